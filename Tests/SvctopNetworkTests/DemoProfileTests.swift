import Foundation
import SvctopCore
@testable import SvctopDemo
import SvctopNetwork
import SvctopPprof
import Testing

@Suite("profiles from the demo fleet over HTTP, as the runner fetches them", .serialized)
struct DemoProfileTests {
    @Test(
        "a CPU profile waits its seconds and names the hot function; a second one at once is Go's 500; too long is Go's 400"
    )
    func cpu() async throws {
        let fleet = DemoFleet(specs: [DemoInstanceSpec(name: "busy", scenario: .saturated)])
        try await fleet.start()
        let transport = HTTPTransport()
        let client = ServiceClient(transport: transport)
        let target = try Target.parse(fleet.targets[0])
        async let first = client.profile(target, kind: .cpu, seconds: 2, timeout: 10, maxBytes: 1 << 20)
        #expect(await eventually(5) { fleet.services[0].isProfilingCPU.withLock { $0 } })
        let second = await client.profile(target, kind: .cpu, seconds: 1, timeout: 10, maxBytes: 1 << 20)
        #expect(
            second == .failure(.httpStatus(500, "Could not enable CPU profiling: cpu profiling already in use")))
        let start = Date()
        let raw = try await first.get()
        #expect(Date().timeIntervalSince(start) > 0.5, "the profile took its two seconds")
        let profile = try PprofDecoder.decode(raw, kind: .cpu)
        #expect(profile.durationSeconds == 2)
        let table = PprofTable.top(profile, type: profile.defaultSampleType, order: .flat)
        #expect(profile.functions[table.rows[0].function].name.hasSuffix("pricing.(*Engine).Quote"))
        let tooLong = await client.profile(target, kind: .cpu, seconds: 120, timeout: 10, maxBytes: 1 << 20)
        #expect(tooLong == .failure(.httpStatus(400, "profile duration exceeds server's WriteTimeout")))
        await transport.shutdown()
        await fleet.stop()
    }

    @Test("two heap profiles of the leaking instance: the comparison ranks the leaking goroutines' function first")
    func heap() async throws {
        let fleet = DemoFleet(specs: [DemoInstanceSpec(name: "leaky", scenario: .leak)])
        try await fleet.start()
        let transport = HTTPTransport()
        let client = ServiceClient(transport: transport)
        let target = try Target.parse(fleet.targets[0])
        func heap() async throws -> (PprofProfile, Double) {
            let raw = try await client.profile(target, kind: .heap, seconds: 0, timeout: 10, maxBytes: 1 << 20).get()
            return (try PprofDecoder.decode(raw, kind: .heap), Date().timeIntervalSince1970)
        }
        let (before, at) = try await heap()
        #expect(before.sampleTypes[before.defaultSampleType].name == "inuse_space")
        let inuse = try #require(before.sampleType(named: "inuse_space"))
        #expect(abs(Double(before.total(type: inuse)) - 60e6) < 40e6, "in-use space near the simulated heap")
        var top = ""
        let ranked = await eventually(20, "the leak outgrows the noise") {
            guard let (after, now) = try? await heap() else { return false }
            let deltas = PprofComparison.compare(
                before: before, at: at, after: after, at: now, sampleType: "inuse_space", order: .flat)
            top = deltas.first?.name ?? ""
            return top.hasSuffix("watch.(*OrderWatcher).watch.func1") && (deltas.first?.growth ?? 0) > 1_000_000
        }
        #expect(ranked, "top of the comparison: \(top)")
        await transport.shutdown()
        await fleet.stop()
    }
}
