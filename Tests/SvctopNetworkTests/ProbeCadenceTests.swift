import Foundation
import SvctopCore
import SvctopNetwork
import Testing

@testable import SvctopDemo

@Suite("probe cadence: passing instances every probe interval, failing, watched and acted-on ones every interval")
struct ProbeCadenceTests {
    @Test(
        "at 0.2 s with a 1 s probe interval: a passing instance is probed about every fifth scrape; a drained one and a watched one every scrape"
    )
    func cadence() async throws {
        let fleet = DemoFleet(
            specs: ["steady", "drained", "watched"].map { DemoInstanceSpec(name: $0, scenario: .healthy) })
        try await fleet.start()
        fleet.services[1].drain()  // readiness fails from now on
        let targets = try fleet.targets.map { try Target.parse($0) }
        var settings = Settings()
        settings.interval = 0.2
        settings.probeInterval = 1
        let transport = HTTPTransport()
        let focus = ProbeFocus()
        focus.watch(2, until: Date().timeIntervalSince1970 + 3600)
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings, focus: focus)
        let log = EventLog()
        let task = Task { await engine.run(targets: targets) { log.add($0) } }
        let enough = await eventually(30) { (0..<3).allSatisfy { log.scrapes($0).count >= 25 } }
        task.cancel()
        await task.value
        await transport.shutdown()
        await fleet.stop()
        #expect(enough, "25 scrapes each within 30 s")
        let scrapes = (0..<3).map { log.scrapes($0).count }
        let probes = (0..<3).map { log.probes($0, .liveness).count }
        // Passing: the first cycle, then once a second (five scrapes), give or take the cycle in flight.
        #expect(
            probes[0] <= scrapes[0] / 5 + 2 && probes[0] >= scrapes[0] / 5 - 1,
            "steady: \(probes[0]) probes, \(scrapes[0]) scrapes")
        let steadyPassed = log.probes(0, .readiness).allSatisfy { $0.isPassing }
        #expect(steadyPassed)
        // Failing readiness: every cycle, so recovery shows within an interval.
        #expect(probes[1] >= scrapes[1] - 2, "drained: \(probes[1]) probes, \(scrapes[1]) scrapes")
        #expect(log.probes(1, .readiness).last?.isPassing == false)
        // Watched (open in the instance view, or just sent an action): every cycle.
        #expect(probes[2] >= scrapes[2] - 2, "watched: \(probes[2]) probes, \(scrapes[2]) scrapes")
    }
}
