import Foundation
import SvctopCore
import SvctopNetwork
import SvctopTestSupport
import Testing

@Suite("targets removed while the engine runs", .serialized)
struct ScrapeControlTests {
    @Test(
        "a target removed with requests in flight is never polled again, and reports nothing more",
        .timeLimit(.minutes(1)))
    func removedWhileInFlight() async throws {
        let removed = try FaultServer()
        defer { removed.stop() }
        let kept = try FaultServer()
        defer { kept.stop() }
        var settings = Settings()
        settings.interval = 0.5
        let transport = HTTPTransport()
        // Requests hang for up to 5 s: the removed target's metrics and probes are in flight when it goes.
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings, timeout: 5)
        let control = ScrapeControl()
        let log = EventLog()
        let targets = [
            try Target.parse("gone=127.0.0.1:\(removed.port)/hang"),
            try Target.parse("kept=127.0.0.1:\(kept.port)/counting"),
        ]
        let task = Task { await engine.run(targets: targets, control: control) { log.add($0) } }
        #expect(await eventually(10, "both of the removed target's connections") { removed.connectionsAccepted >= 2 })
        let accepted = removed.connectionsAccepted
        control.remove(0)
        // Six scrapes of the other target later (three intervals), nothing more has reached the removed one.
        let before = log.scrapes(1).count
        #expect(await eventually(10, "the other target's scrapes") { log.scrapes(1).count >= before + 6 })
        #expect(removed.connectionsAccepted == accepted, "connections to the removed target after it was removed")
        #expect(log.scrapes(0).isEmpty, "\(log.scrapes(0).map(\.1))")
        #expect(log.probes(0, .liveness).isEmpty && log.probes(0, .readiness).isEmpty)
        task.cancel()
        await task.value
        await transport.shutdown()
    }
}
