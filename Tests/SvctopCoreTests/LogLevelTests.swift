import Testing

@testable import SvctopCore

/// The log-level room (App/LogLevel/): chooser, confirmation, timed revert, restore on quit.
@Suite("log-level room")
struct LogLevelTests {
    @Test("log level: choose, confirm, timed revert, and restore on quit")
    func logLevel() {
        var s = AppState(targets: ReducerTests.targets(2), now: 0)
        ReducerTests.ready(&s, [0, 1], now: 1)
        _ = s.reduce(.logLevelRead(0, level: "info", error: nil), now: 1)
        _ = s.reduce(.keyPressed(.char("l")), now: 2)
        _ = s.reduce(.keyPressed(.char("t")), now: 2)
        #expect(
            s.reduce(.keyPressed(.char("y")), now: 2) == [
                .setLogLevel(0, level: "debug", previous: "info", reason: "timed")
            ])
        _ = s.reduce(
            .actionCompleted(0, .setLogLevel("debug"), .succeeded(status: 200, body: "{\"level\":\"debug\"}")), now: 2.2
        )
        #expect(s.instances[0].logLevel == "debug")
        #expect(s.reduce(.ticked, now: 300) == [])
        #expect(
            s.reduce(.ticked, now: 603) == [.setLogLevel(0, level: "info", previous: "debug", reason: "timed revert")])
        _ = s.reduce(
            .actionCompleted(0, .setLogLevel("info"), .succeeded(status: 200, body: "{\"level\":\"info\"}")), now: 603.1
        )

        // A manual change is offered back on quit.
        _ = s.reduce(.keyPressed(.char("l")), now: 700)
        _ = s.reduce(.keyPressed(.char("w")), now: 700)
        _ = s.reduce(.keyPressed(.char("y")), now: 700)
        _ = s.reduce(
            .actionCompleted(0, .setLogLevel("warn"), .succeeded(status: 200, body: "{\"level\":\"warn\"}")), now: 700.1
        )
        #expect(s.reduce(.keyPressed(.char("q")), now: 701) == [])
        #expect(s.dialog?.kind == .restoreLevelsOnQuit)
        #expect(
            s.reduce(.keyPressed(.char("y")), now: 702) == [
                .setLogLevel(0, level: "info", previous: "warn", reason: "restore on exit"), .quit,
            ])
    }
}
