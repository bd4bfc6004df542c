import Foundation
import SvctopTestSupport
import Testing

/// The real binary in a real terminal (tmux), against the embedded demo fleet.
@Suite("end to end in tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct TerminalEndToEndTests {
    /// A shell line that records `stty -g` before and after svctop, and svctop's exit status.
    static func wrapped(_ arguments: String, dir: String) -> String {
        "cd \(dir) && stty -g > stty.before; \(Tmux.binary) \(arguments); echo \"EXIT=$?\" > status; stty -g > stty.after; echo DONE; exec sleep 600"
    }

    static func read(_ dir: String, _ name: String) -> String {
        (try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines) ?? ""
    }

    @Test(
        "the demo dashboard appears with live data and every way out restores the terminal",
        arguments: [(120, 40, "q"), (80, 24, "C-c"), (120, 40, "SIGTERM"), (80, 24, "SIGHUP")])
    func dashboardAndExit(width: Int, height: Int, exit how: String) throws {
        let dir = try Scratch.directory("e2e")
        let journal = "\(dir)/journal.jsonl"
        let tmux = try Tmux(
            width: width, height: height,
            command:
                "cd \(dir) && stty -g > stty.before; sh -c 'echo $$ > pid; exec \(Tmux.binary) --demo --journal \(journal)'; echo \"EXIT=$?\" > status; stty -g > stty.after; echo DONE; exec sleep 600"
        )
        let (ok, screen) = try tmux.waitFor(30) {
            $0.contains("checkout-a") && $0.contains("payments-b") && $0.contains("up 6/6")
        }
        #expect(ok, "dashboard did not appear:\n\(screen)")
        #expect(screen.contains("svctop"))
        #expect(screen.contains("refreshed"))
        #expect(try tmux.cursorAndAlternate().alternate, "svctop runs on the alternate screen")
        switch how {
        case "SIGTERM", "SIGHUP":
            let pid = Self.read(dir, "pid")
            #expect(!pid.isEmpty)
            kill(pid_t(pid)!, how == "SIGTERM" ? SIGTERM : SIGHUP)
        default:
            try tmux.send(how)
        }
        let (done, after) = try tmux.waitFor(15) { $0.contains("DONE") }
        #expect(done, "svctop did not exit:\n\(after)")
        #expect(Self.read(dir, "status") == "EXIT=0")
        #expect(Self.read(dir, "stty.before") == Self.read(dir, "stty.after"), "terminal settings restored")
        let (cursor, alternate) = try tmux.cursorAndAlternate()
        #expect(cursor, "cursor visible after exit")
        #expect(!alternate, "alternate screen left")
    }

    @Test("Ctrl-Z suspends and fg resumes with a full redraw")
    func suspendResume() throws {
        let dir = try Scratch.directory("e2e")
        let tmux = try Tmux(width: 100, height: 30, command: "cd \(dir) && exec bash --norc --noprofile -i")
        try tmux.send("stty -g > stty.before; \(Tmux.binary) --demo --journal \(dir)/j.jsonl", "Enter")
        #expect(try tmux.waitFor(30) { $0.contains("checkout-a") && $0.contains("up 6/6") }.0)
        try tmux.send("C-z")
        let (stopped, screen) = try tmux.waitFor(10) { $0.contains("Stopped") }
        #expect(stopped, "job not stopped:\n\(screen)")
        #expect(!(try tmux.cursorAndAlternate().alternate))
        try tmux.send("fg", "Enter")
        let (back, redrawn) = try tmux.waitFor(10) {
            $0.contains("checkout-a") && $0.contains("NAME") && !$0.contains("Stopped")
        }
        #expect(back, "not redrawn after fg:\n\(redrawn)")
        try tmux.send("q")
        // The marker is assembled by the shell, so the typed command line itself cannot match it.
        try tmux.send("stty -g > stty.after; echo FIN\"\"ISHED", "Enter")
        #expect(try tmux.waitFor(10) { $0.contains("FINISHED") }.0)
        #expect(Self.read(dir, "stty.before") == Self.read(dir, "stty.after"))
    }

    @Test("not a terminal, TERM=dumb, an unknown TERM and a bad target each give a clear error and exit 2")
    func refusals() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        let notTTY = try runProcess(Tmux.binary, ["127.0.0.1:1"], environment: environment, timeout: 20)
        #expect(notTTY.status == 2)
        #expect(notTTY.stderr.contains("not a terminal"))

        let dir = try Scratch.directory("e2e")
        for (term, message) in [("dumb", "TERM is 'dumb'"), ("no-such-terminal-xyz", "no entry for TERM")] {
            let tmux = try Tmux(
                width: 80, height: 24,
                command:
                    "cd \(dir) && TERM=\(term) \(Tmux.binary) 127.0.0.1:1 2> err; echo \"EXIT=$?\" > status; echo DONE; sleep 600"
            )
            #expect(try tmux.waitFor(20) { $0.contains("DONE") }.0)
            #expect(Self.read(dir, "status") == "EXIT=2")
            #expect(Self.read(dir, "err").contains(message), Comment(rawValue: Self.read(dir, "err")))
        }
        let bad = try runProcess(Tmux.binary, ["--once", "http://:99999"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("invalid target"))
        let help = try runProcess(Tmux.binary, ["--help"])
        #expect(help.status == 0)
        for option in ["--demo", "--once", "--format", "--config", "--read-only", "--theme", "--journal", "--interval"]
        {
            #expect(help.stdout.contains(option), "--help documents \(option)")
        }
        let none = try runProcess(
            Tmux.binary, ["--once", "--window", "0.5", "127.0.0.1:\(try FaultServer.freePort())"], timeout: 30)
        #expect(none.status == 1, "no target answered: exit 1")
        #expect(none.stdout.contains("connection refused"))
        let version = try runProcess(Tmux.binary, ["--version"])
        #expect(version.status == 0 && version.stdout.contains("0."))
    }

    @Test("a resize storm down to 20x5 and back never crashes and ends in a correct frame; keys still answer")
    func resizeStorm() throws {
        let dir = try Scratch.directory("e2e")
        let tmux = try Tmux(width: 120, height: 40, command: Self.wrapped("--demo --journal \(dir)/j.jsonl", dir: dir))
        #expect(try tmux.waitFor(30) { $0.contains("checkout-a") && $0.contains("up 6/6") }.0)
        let sizes = [
            (100, 30), (20, 5), (80, 24), (30, 8), (150, 50), (79, 23), (20, 5), (60, 20), (200, 60), (80, 24),
        ]
        for _ in 0..<3 {
            for (w, h) in sizes { try tmux.resize(w, h) }
        }
        try tmux.resize(20, 5)
        let (small, tiny) = try tmux.waitFor(10) { $0.contains("terminal too") }
        #expect(small, "too-small message at 20x5:\n\(tiny)")
        try tmux.resize(120, 40)
        let (ok, screen) = try tmux.waitFor(10) {
            $0.contains("NAME") && $0.contains("payments-b") && !$0.contains("too small")
        }
        #expect(ok, "no correct frame after the storm:\n\(screen)")
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("svctop fleet") == true, "the frame starts at the top-left:\n\(screen)")
        try tmux.send("s")
        #expect(try tmux.waitFor(5) { $0.contains("sorted by name") }.0, "keys still answer after the storm")
        try tmux.send("q")
        #expect(try tmux.waitFor(15) { $0.contains("DONE") }.0)
        #expect(Self.read(dir, "status") == "EXIT=0")
        #expect(Self.read(dir, "stty.before") == Self.read(dir, "stty.after"))
    }

    @Test(
        "with hanging, slow, huge and garbage targets in the fleet, keys still answer at once and each fault shows its reason"
    )
    func faultsInTheFleet() throws {
        let faults = try FaultServer()
        defer { faults.stop() }
        let dir = try Scratch.directory("e2e")
        let p = faults.port
        let targets =
            "hang=127.0.0.1:\(p)/hang slow=127.0.0.1:\(p)/slow big=127.0.0.1:\(p)/big garbage=127.0.0.1:\(p)/garbage "
            + "refused=127.0.0.1:\(try FaultServer.freePort()) err=127.0.0.1:\(p)/500"
        let tmux = try Tmux(
            width: 120, height: 40,
            command: Self.wrapped(
                "--demo --demo-instances 3 --max-body 1MiB --journal \(dir)/j.jsonl \(targets)", dir: dir))
        let (shown, screen) = try tmux.waitFor(30) {
            $0.contains("timeout") && $0.contains("too large") && $0.contains("bad data") && $0.contains("refused")
                && $0.contains("HTTP 500") && $0.contains("checkout-a ")
        }
        #expect(shown, "every fault with its reason:\n\(screen)")
        // Healthy instances keep updating: their age stays at a second or two.
        #expect(
            screen.split(separator: "\n").filter { $0.contains("checkout-a ") || $0.contains("orders-a ") }.allSatisfy {
                $0.hasSuffix("0s") || $0.hasSuffix("1s")
            },
            Comment(rawValue: screen))
        for column in ["name", "goroutines", "memory"] {
            let started = Date()
            try tmux.send("s")
            let (changed, _) = try tmux.waitFor(2) { $0.contains("sort: \(column)") }
            #expect(changed, "the sort key did not answer")
            // Includes tmux's own send-keys and capture-pane round trips.
            #expect(Date().timeIntervalSince(started) < 0.5)
        }
        try tmux.send("q")
        #expect(try tmux.waitFor(15) { $0.contains("DONE") }.0)
        #expect(Self.read(dir, "status") == "EXIT=0")
    }

    @Test("a crash (SIGSEGV, SIGABRT) still restores the terminal", arguments: [SIGSEGV, SIGABRT])
    func crashPath(signal: Int32) throws {
        let dir = try Scratch.directory("e2e")
        let tmux = try Tmux(
            width: 100, height: 30,
            command:
                "cd \(dir) && stty -g > stty.before; sh -c 'echo $$ > pid; exec \(Tmux.binary) --demo --journal \(dir)/j.jsonl'; echo \"EXIT=$?\" > status; stty -g > stty.after; echo DONE; exec sleep 600"
        )
        #expect(try tmux.waitFor(30) { $0.contains("checkout-a") && $0.contains("up 6/6") }.0)
        #expect(try tmux.cursorAndAlternate().alternate)
        let pid = Self.read(dir, "pid")
        kill(pid_t(pid)!, signal)
        #expect(try tmux.waitFor(15) { $0.contains("DONE") }.0)
        #expect(Self.read(dir, "status") == "EXIT=\(128 + signal)", "died of the signal itself, after restoring")
        #expect(Self.read(dir, "stty.before") == Self.read(dir, "stty.after"), "terminal settings restored")
        let (cursor, alternate) = try tmux.cursorAndAlternate()
        #expect(cursor, "cursor visible after the crash")
        #expect(!alternate, "alternate screen left after the crash")
    }

    @Test("when its terminal goes away (the tmux server is killed, as when an SSH session drops), svctop exits")
    func terminalGone() throws {
        let dir = try Scratch.directory("e2e")
        // sh stays the pane's process (svctop is its child, not exec'd), so only the closed terminal can end svctop.
        let tmux = try Tmux(
            width: 100, height: 30,
            command:
                "cd \(dir) && sh -c 'echo $$ > pid; exec \(Tmux.binary) --demo --demo-instances 2 --journal \(dir)/j.jsonl'; exec sleep 600"
        )
        #expect(try tmux.waitFor(30) { $0.contains("checkout-a") && $0.contains("up 2/2") }.0)
        let pid = try #require(pid_t(Self.read(dir, "pid")))
        /// Alive and not a zombie (its parent, the pane's shell, may not reap it once the terminal is gone).
        func running() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        }
        #expect(running())
        try tmux.killServer()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && running() { usleep(50_000) }
        let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "gone"
        #expect(!running(), "svctop still runs without a terminal: \(state)")
    }
}
