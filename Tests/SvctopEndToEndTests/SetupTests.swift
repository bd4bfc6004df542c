import Foundation
import Testing
@testable import svctop
import SvctopCore

@Suite("setup: command line over config file over defaults")
struct SetupTests {
    @Test("a target's own auth and tls replace the defaults' credentials and add to their headers")
    func perTargetAccess() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svctop-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        let ca = directory.appendingPathComponent("ca.pem").path
        try "fleet-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try "not checked here".write(toFile: ca, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("config.yaml").path
        try """
        auth:
          bearer_token_file: \(tokenFile)
          headers: { X-Team: sre }
        targets:
          - name: plain
            url: http://127.0.0.1:9000
          - name: special
            url: https://10.0.0.7:8443
            auth:
              basic_auth_env: SVCTOP_TEST_BASIC
              headers: { X-Tenant: blue }
            tls:
              ca_file: \(ca)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        setenv("SVCTOP_TEST_BASIC", "admin:pa55", 1)
        defer { unsetenv("SVCTOP_TEST_BASIC") }
        let options = try WatchOptions.parse(["--config", config])
        let setup = try Setup.make(targets: [], options: options)
        let defaults = setup.configuration.options
        #expect(defaults.bearerToken?.value == "fleet-token")
        #expect(defaults.headers == [.init("X-Team", "sre")])
        let targets = setup.configuration.targets
        try #require(targets.count == 2)
        #expect(targets[0].name == "plain" && targets[0].transport == nil)
        let special = try #require(targets[1].transport)
        #expect(special.bearerToken == nil, "the target's credentials replace the fleet's")
        #expect(special.basicAuth?.user == "admin" && special.basicAuth?.password.value == "pa55")
        #expect(special.headers == [.init("X-Team", "sre"), .init("X-Tenant", "blue")])
        #expect(special.caFile == ca)
        // Secrets never show in descriptions.
        #expect(!String(describing: special).contains("pa55"))
    }

    @Test(
        "svctop prom: its arguments over the file's prometheus: section; its own auth over the defaults; mistakes exit 2"
    )
    func prometheusSource() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svctop-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml").path
        try """
        auth: { bearer_token_env: SVCTOP_TEST_FLEET }
        prometheus:
          url: http://thanos:10902
          selector: '{job="checkout"}'
          instance_label: pod
          auth: { bearer_token_env: SVCTOP_TEST_THANOS }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        setenv("SVCTOP_TEST_FLEET", "fleet-token", 1)
        setenv("SVCTOP_TEST_THANOS", "thanos-token", 1)
        defer {
            unsetenv("SVCTOP_TEST_FLEET")
            unsetenv("SVCTOP_TEST_THANOS")
        }
        // The file alone: the plain command gets the source beside its targets.
        let fromFile = try Setup.make(targets: [], options: try WatchOptions.parse(["--config", config]))
        let source = try #require(fromFile.configuration.prometheus)
        #expect(source.url == "http://thanos:10902" && source.matchers == "job=\"checkout\"")
        #expect(source.instanceLabel == "pod" && source.transport?.bearerToken?.value == "thanos-token")
        #expect(fromFile.configuration.options.bearerToken?.value == "fleet-token")
        // svctop prom's arguments win.
        let command = try PromCommand.parse([
            "http://prom:9090", "--selector", "{job=\"api\"}", "--step", "5s", "--config", config,
        ])
        let fromCommand = try Setup.make(targets: [], options: command.options, prometheus: command)
        let overridden = try #require(fromCommand.configuration.prometheus)
        #expect(overridden.url == "http://prom:9090" && overridden.matchers == "job=\"api\"" && overridden.step == 5)
        #expect(overridden.instanceLabel == "pod")

        // Mistakes, from the real binary: a clear line on stderr, exit 2, before any terminal.
        for (arguments, message) in [
            (["prom", "--journal", "/dev/null"], "give the server's URL"),
            (["prom", "http://prom:9090", "--selector", "up{job=\"a\"}"], "label matchers only"),
            (["prom", "http://prom:9090", "--step", "soon"], "--step: expected a duration"),
            (["prom", "ftp://prom"], "only http and https"),
        ] {
            let run = try runProcess(Tmux.binary, arguments, environment: ["HOME": directory.path], timeout: 20)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}

/// Settings are declared once (`SettingDeclaration.all`); these tests hold everything else to that declaration.
@Suite("settings: one declaration, every surface derived from it")
struct SettingDeclarationTests {
    static var repository: URL { Tmux.repository }

    @Test("docs/configuration.md holds exactly the table the declarations make (SVCTOP_UPDATE_DOCS=1 rewrites it)")
    func documentationTable() throws {
        let path = Self.repository.appendingPathComponent("docs/configuration.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let begin =
            "<!-- settings:begin (generated from SettingDeclaration.all; edit the declaration, not this table) -->\n"
        let end = "<!-- settings:end -->"
        let start = try #require(text.range(of: begin), "docs/configuration.md lacks the settings markers")
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex))
        let table = SettingDeclaration.markdownTable()
        if ProcessInfo.processInfo.environment["SVCTOP_UPDATE_DOCS"] == "1" {
            try (String(text[..<start.upperBound]) + table + String(text[stop.lowerBound...])).write(
                toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            String(text[start.upperBound..<stop.lowerBound]) == table, "rerun with SVCTOP_UPDATE_DOCS=1 to regenerate")
    }

    @Test(
        "every setting with a flag is a command-line option with its declared help, and every setting option is declared"
    )
    func flags() {
        let help = WatchOptions.helpMessage(columns: 1000)
        for declaration in SettingDeclaration.all {
            guard let flag = declaration.flag else { continue }
            #expect(help.contains("--\(flag)"), "--\(flag) is declared but not an option")
            #expect(help.contains(declaration.helpWithDefault), "--\(flag) does not show its declared help")
        }
        // Every settings argument given is read back, mapped to its declaration by property name.
        let given = SettingDeclaration.all.compactMap(\.flag).flatMap { flag -> [String] in
            SettingDeclaration.flagged(flag)?.kind == .boolean
                ? ["--\(flag)"] : ["--\(flag)", flag == "max-body" ? "1MiB" : "1s"]
        }
        let parsed = (try? WatchOptions.parse(given))?.settingArguments.compactMap(\.0.flag) ?? []
        #expect(parsed.sorted() == SettingDeclaration.all.compactMap(\.flag).sorted())
    }

    @Test("a fixed fleet has no scrape control, so the engine keeps it on as few event loops as its size needs")
    func fixedFleetHasNoControl() throws {
        let setup = try Setup.make(targets: ["a=localhost:1", "b=localhost:2"], options: try WatchOptions.parse([]))
        #expect(setup.configuration.kubernetes == nil)
        #expect(setup.configuration.makeScrapeControl() == nil)
    }

    @Test("the command line wins over the file, the file over the defaults; one parser for both")
    func precedence() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svctop-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml").path
        try "defaults:\n  interval: 2s\n  latency_window: 1m\n  errors: { critical: 0.2 }\n  read_only: true\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let setup = try Setup.make(
            targets: ["localhost:1"],
            options: try WatchOptions.parse(
                ["--config", config, "--interval", "500ms", "--max-body", "2MiB"]))
        let s = setup.configuration.settings
        #expect(s.interval == 0.5, "the flag wins")
        #expect(s.latencyWindow == 60 && s.errorCritical == 0.2 && s.isReadOnly, "the file wins over the defaults")
        #expect(s.errorWarning == Settings().errorWarning)
        #expect(setup.configuration.maxBodyBytes == 2 << 20)
        #expect(setup.configuration.timeout == 0.4, "the timeout follows the interval")
        #expect(throws: SetupError.self) {
            try Setup.make(targets: [], options: try WatchOptions.parse(["--interval", "fast"]))
        }
        do {
            _ = try Setup.make(targets: [], options: try WatchOptions.parse(["--interval", "10ms"]))
        } catch {
            #expect("\(error)" == "--interval: must be at least 50ms")
        }
    }
}
