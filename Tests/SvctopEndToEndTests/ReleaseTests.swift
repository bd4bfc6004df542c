import Foundation
import SvctopTestSupport
import Testing

/// The release tarball (scripts/release) on a machine without Swift: unpacked into a temporary directory and
/// run with a minimal environment. `scripts/test` builds the tarball first and names it in
/// `SVCTOP_RELEASE_TARBALL`; without that variable (a plain `swift test`) these tests do not run.
/// The tarball `scripts/test` built, when it built one.
let releaseTarball: String? = ProcessInfo.processInfo.environment["SVCTOP_RELEASE_TARBALL"].flatMap {
    $0.isEmpty ? nil : $0
}

@Suite(
    "release tarball", .serialized,
    .enabled(if: releaseTarball != nil, "no SVCTOP_RELEASE_TARBALL (scripts/test builds one)"))
struct ReleaseTests {
    static var tarball: String? { releaseTarball }

    /// No Swift toolchain on PATH, no LD_LIBRARY_PATH: what a bastion host has.
    static let minimalEnvironment = [
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    ]

    /// Unpacks the tarball; returns the unpacked root (`svctop-VERSION-linux-ARCH/`).
    static func unpack() throws -> String {
        let tarball = try #require(tarball)
        let dir = try Scratch.directory("e2e")
        let untar = try runProcess("/bin/tar", ["-C", dir, "-xzf", tarball])
        try #require(untar.status == 0, "tar: \(untar.stderr)")
        let root = try #require(
            try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("svctop-") })
        return "\(dir)/\(root)"
    }

    @Test(
        "the binary needs no Swift toolchain: ldd lists only system libraries; --version names the commit; --help works"
    )
    func binaryStandsAlone() throws {
        let root = try Self.unpack()
        let binary = "\(root)/bin/svctop"
        for file in [
            "bin/svctop", "LICENSE", "INSTALL", "install.sh", "share/man/man1/svctop.1",
            "share/bash-completion/completions/svctop", "share/zsh/site-functions/_svctop",
            "share/fish/vendor_completions.d/svctop.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(root)/\(file)"), "\(file) is missing from the tarball")
        }
        let ldd = try runProcess("/usr/bin/ldd", [binary], environment: Self.minimalEnvironment)
        #expect(ldd.status == 0, "\(ldd.stderr)")
        let allowed = [
            "linux-vdso", "libc.so", "libm.so", "libncursesw.so", "libtinfo.so", "libz.so", "ld-linux",
            "libstdc++.so", "libgcc_s.so", "libpthread.so", "libdl.so", "librt.so", "libutil.so",
        ]
        for line in ldd.stdout.split(separator: "\n") {
            let library = line.trimmingCharacters(in: .whitespaces)
            #expect(allowed.contains { library.contains($0) }, "unexpected run-time library: \(library)")
            #expect(
                !library.contains("swift") && !library.contains("Foundation") && !library.contains("dispatch"),
                "a Swift toolchain library: \(library)")
        }
        let version = try runProcess(binary, ["--version"], environment: Self.minimalEnvironment)
        #expect(version.status == 0)
        #expect(
            version.stdout.range(of: #"^\d+\.\d+\.\d+ \(commit [0-9a-f]{7,}"#, options: .regularExpression) != nil,
            "\(version.stdout)")
        let help = try runProcess(binary, ["--help"], environment: Self.minimalEnvironment)
        #expect(
            help.status == 0 && help.stdout.contains("USAGE:") && help.stdout.contains("--interval"), "\(help.stdout)")
    }

    @Test("--once --format json against a demo fleet, both run from the tarball")
    func onceAgainstDemo() throws {
        let root = try Self.unpack()
        let binary = "\(root)/bin/svctop"
        let out = "\(root)/demo.out"
        let demo = try spawn(
            binary, ["demo", "--instances", "2", "--scenario", "healthy"], stdout: out, stderr: "\(root)/demo.err",
            environment: Self.minimalEnvironment)
        defer {
            kill(demo, SIGTERM)
            var status: Int32 = 0
            waitpid(demo, &status, 0)
        }
        let deadline = Date().addingTimeInterval(20)
        var urls: [String] = []
        while Date() < deadline && urls.count < 2 {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            urls = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
                $0.split(separator: "\t").first.map(String.init)
            }.filter { $0.contains("http://127.0.0.1:") }
            usleep(50_000)
        }
        try #require(urls.count == 2, "the demo did not print its URLs")
        let once = try runProcess(
            binary, ["--once", "--format", "json"] + urls, environment: Self.minimalEnvironment, timeout: 30)
        #expect(once.status == 0, "\(once.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(once.stdout.utf8)) as? [[String: Any]]
        #expect(json?.count == 2)
        #expect(json?.allSatisfy { $0["up"] as? Bool == true && $0["goroutines"] is Double } == true, "\(once.stdout)")
    }

    @Test("the dashboard runs from the tarball in a real terminal and q restores it", .enabled(if: Tmux.isAvailable))
    func dashboard() throws {
        let root = try Self.unpack()
        let environment = Self.minimalEnvironment.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let tmux = try Tmux(
            width: 120, height: 40,
            command: TerminalEndToEndTests.wrapped(
                "--demo --journal \(root)/j.jsonl", dir: root
            ).replacingOccurrences(of: Tmux.binary, with: "env -i \(environment) \(root)/bin/svctop"))
        let (ok, screen) = try tmux.waitFor(30) { $0.contains("up 6/6") && $0.contains("checkout-a") }
        #expect(ok, "the dashboard did not appear:\n\(screen)")
        try tmux.send("q")
        #expect(try tmux.waitFor(10) { $0.contains("DONE") }.0)
        #expect(TerminalEndToEndTests.read(root, "status") == "EXIT=0")
        #expect(TerminalEndToEndTests.read(root, "stty.before") == TerminalEndToEndTests.read(root, "stty.after"))
    }

    @Test("install.sh from the unpacked tarball installs the binary, man page and completions into a prefix")
    func install() throws {
        let root = try Self.unpack()
        let prefix = "\(root)/prefix"
        let installed = try runProcess("\(root)/install.sh", [prefix], environment: Self.minimalEnvironment)
        #expect(installed.status == 0, "\(installed.stdout) \(installed.stderr)")
        for file in [
            "bin/svctop", "share/man/man1/svctop.1", "share/bash-completion/completions/svctop",
            "share/zsh/site-functions/_svctop", "share/fish/vendor_completions.d/svctop.fish",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(prefix)/\(file)"), "\(file) was not installed")
        }
        let version = try runProcess("\(prefix)/bin/svctop", ["--version"], environment: Self.minimalEnvironment)
        #expect(
            version.status == 0
                && installed.stdout.contains(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("the completion scripts load in bash and the man page renders")
    func completionsAndManual() throws {
        let root = try Self.unpack()
        let bashFile = "\(root)/share/bash-completion/completions/svctop"
        #expect(try runProcess("/bin/bash", ["-n", bashFile]).status == 0)
        let loaded = try runProcess("/bin/bash", ["-c", "source '\(bashFile)' && complete -p svctop"])
        #expect(loaded.status == 0 && loaded.stdout.contains("svctop"), "\(loaded.stdout) \(loaded.stderr)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") {
            #expect(try runProcess("/usr/bin/zsh", ["-n", "\(root)/share/zsh/site-functions/_svctop"]).status == 0)
        }
        var environment = Self.minimalEnvironment
        environment["MANPAGER"] = "cat"
        environment["MANWIDTH"] = "100"
        let man = try runProcess("/usr/bin/man", ["-l", "\(root)/share/man/man1/svctop.1"], environment: environment)
        #expect(man.status == 0, "\(man.stderr)")
        #expect(
            man.stdout.contains("SVCTOP(1)") && man.stdout.contains("--interval") && man.stdout.contains("svctop demo"),
            "\(man.stdout.prefix(2000))")
        #expect(!man.stderr.contains("warning"), "\(man.stderr)")
    }
}
