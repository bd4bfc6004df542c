import Foundation
import SvctopTestSupport
import Testing

/// The runner in a real terminal: quitting never waits on in-flight work, and remapped keys dispatch, dialogs
/// included.
@Suite("runner end to end in tmux", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct RunnerEndToEndTests {
    @Test("q while a 50,000-goroutine dump trickles in from a slow server exits within a second, terminal restored")
    func quitDuringSlowDump() throws {
        let server = try FaultServer()
        defer { server.stop() }
        let dir = try Scratch.directory("e2e")
        try """
        profiles:
          slow:
            base: go
            endpoints:
              goroutine_dump: /trickledump
        targets:
          - name: slowpoke
            url: http://127.0.0.1:\(server.port)
            profile: slow
        """.write(toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
        let tmux = try Tmux(
            width: 120, height: 40,
            command: TerminalEndToEndTests.wrapped(
                "--config \(dir)/config.yaml --journal \(dir)/j.jsonl", dir: dir))
        #expect(try tmux.waitFor(30) { $0.contains("slowpoke") && $0.contains("up 1/1") }.0, "dashboard did not appear")
        try tmux.send("g")
        let (fetching, screen) = try tmux.waitFor(10) { $0.contains("fetching dump") }
        #expect(fetching, "the dump fetch did not start:\n\(screen)")
        let start = Date()
        try tmux.send("q")
        let (done, after) = try tmux.waitFor(10) { $0.contains("DONE") }
        let elapsed = Date().timeIntervalSince(start)
        #expect(done, "svctop did not exit:\n\(after)")
        #expect(elapsed < 1.0, "quitting took \(elapsed)s with a dump in flight")
        #expect(TerminalEndToEndTests.read(dir, "status") == "EXIT=0")
        #expect(TerminalEndToEndTests.read(dir, "stty.before") == TerminalEndToEndTests.read(dir, "stty.after"))
        let (cursor, alternate) = try tmux.cursorAndAlternate()
        #expect(cursor && !alternate, "terminal restored")
    }

    @Test("profile errors from the service (400, 500, 404) show the server's own message and what to do")
    func profileErrors() throws {
        let server = try FaultServer()
        defer { server.stop() }
        let dir = try Scratch.directory("e2e")
        var config = "profiles:\n"
        for code in [400, 500, 404] {
            config +=
                "  p\(code):\n    base: go\n    endpoints:\n      cpu_profile: /pprof\(code)/debug/pprof/profile\n"
        }
        config += "targets:\n"
        for code in [400, 500, 404] {
            config += "  - name: svc\(code)\n    url: http://127.0.0.1:\(server.port)\n    profile: p\(code)\n"
        }
        try config.write(toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
        let tmux = try Tmux(
            width: 200, height: 40,
            command: TerminalEndToEndTests.wrapped("--config \(dir)/config.yaml --journal \(dir)/j.jsonl", dir: dir))
        #expect(try tmux.waitFor(30) { $0.contains("svc404") && $0.contains("up 3/3") }.0, "dashboard did not appear")
        // Rows sort by name when all are healthy: svc400, svc404, svc500.
        let expected = [
            "CPU profile of svc400 failed: HTTP 400: profile duration exceeds server's WriteTimeout. The profile is",
            "CPU profile of svc404 failed: HTTP 404: 404 page not found. pprof is not mounted at /pprof404/debug/pprof/",
            "CPU profile of svc500 failed: HTTP 500: Could not enable CPU profiling: cpu profiling already in use. Anoth",
        ]
        for (i, message) in expected.enumerated() {
            if i > 0 { try tmux.send("Down") }
            try tmux.send("p")
            #expect(try tmux.waitFor(10) { $0.contains("Take a CPU profile of svc") }.0)
            try tmux.send("y")
            let (shown, screen) = try tmux.waitFor(10) { $0.contains(message) }
            #expect(shown, "expected \"\(message)\" on screen:\n\(screen)")
        }
        try tmux.send("q")
        #expect(try tmux.waitFor(10) { $0.contains("DONE") }.0)
    }

    @Test(
        "q while a drain waits on a target that never answers exits within a second; the journal still records the drain"
    )
    func quitDuringHangingAction() throws {
        let server = try FaultServer()
        defer { server.stop() }
        let dir = try Scratch.directory("e2e")
        // Every path under /hang hangs: scrapes, probes and the drain itself.
        let tmux = try Tmux(
            width: 120, height: 40,
            command: TerminalEndToEndTests.wrapped(
                "--journal \(dir)/j.jsonl --action-timeout 30s stuck=127.0.0.1:\(server.port)/hang", dir: dir))
        #expect(
            try tmux.waitFor(30) { $0.contains("stuck") && $0.contains("timeout") }.0, "the hanging target did not show"
        )
        // The only instance is not ready, so the guard rail asks for the override before the confirmation.
        try tmux.send("D")
        #expect(try tmux.waitFor(10) { $0.contains("to override") }.0)
        try tmux.send("O")
        try tmux.send("y")
        let (pending, screen) = try tmux.waitFor(10) { $0.contains("action(s) pending") }
        #expect(pending, "the drain was not sent:\n\(screen)")
        let start = Date()
        try tmux.send("q")
        let (done, after) = try tmux.waitFor(10) { $0.contains("DONE") }
        let elapsed = Date().timeIntervalSince(start)
        #expect(done, "svctop did not exit:\n\(after)")
        #expect(elapsed < 1.0, "quitting took \(elapsed)s with a drain in flight")
        #expect(TerminalEndToEndTests.read(dir, "stty.before") == TerminalEndToEndTests.read(dir, "stty.after"))
        // The drain was sent, so it is in the journal, as abandoned (no answer) rather than lost.
        let journal = TerminalEndToEndTests.read(dir, "j.jsonl")
        #expect(journal.contains("\"action\":\"drain\"") && journal.contains("\"result\":\"failed\""), "\(journal)")
        #expect(
            journal.contains("guard rail overridden") && journal.contains("no answer before svctop quit"), "\(journal)")
    }

    @Test("remapped keys from the config dispatch: drain on X, confirm on Y; the old keys no longer act")
    func remappedKeys() throws {
        let dir = try Scratch.directory("e2e")
        try "keys:\n  drain: [X]\n  confirm: [Y]\n".write(
            toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
        let journal = "\(dir)/j.jsonl"
        let tmux = try Tmux(
            width: 120, height: 40,
            command: TerminalEndToEndTests.wrapped(
                "--demo --config \(dir)/config.yaml --journal \(journal)", dir: dir))
        #expect(try tmux.waitFor(30) { $0.contains("up 6/6") && $0.contains("L✓R✓") }.0, "dashboard did not appear")
        // The old drain key does nothing; the new one opens the dialog, which names the new confirm key.
        try tmux.send("D")
        #expect(
            !(try tmux.waitFor(1) { $0.contains("Drain ") && $0.contains("?") }.0), "D still opens the drain dialog")
        try tmux.send("X")
        let (asked, dialog) = try tmux.waitFor(10) { $0.contains("Type Y to drain") }
        #expect(asked, "the drain dialog does not show the remapped confirm key:\n\(dialog)")
        // The old confirm key cancels.
        try tmux.send("y")
        #expect(try tmux.waitFor(10) { !$0.contains("Type Y to drain") }.0)
        try tmux.send("X")
        #expect(try tmux.waitFor(10) { $0.contains("Type Y to drain") }.0)
        try tmux.send("Y")
        let (accepted, screen) = try tmux.waitFor(15) { $0.contains("drain accepted") }
        #expect(accepted, "the remapped confirm key did not drain:\n\(screen)")
        let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n") ?? []
        #expect(
            lines.contains { $0.contains("\"action\":\"drain\"") && $0.contains("\"result\":\"cancelled\"") },
            "\(lines)")
        #expect(lines.contains { $0.contains("\"action\":\"drain\"") && $0.contains("\"result\":\"ok\"") }, "\(lines)")
        // Help lists the remapped keys.
        try tmux.send("?")
        try tmux.send("G")
        let (help, helpScreen) = try tmux.waitFor(10) { $0.contains("Confirmation dialogs") && $0.contains("Y ") }
        #expect(help, "help does not list the dialog keys:\n\(helpScreen)")
        try tmux.send("Escape")
        try tmux.send("q")
        #expect(try tmux.waitFor(10) { $0.contains("DONE") }.0)
    }
}
