import Foundation
import NIOCore
import Testing
@testable import SvctopCore
@testable import SvctopDemo
@testable import SvctopNetwork
import SvctopTestSupport

/// Waits for a condition with a deadline (never a fixed sleep).
func eventually(_ timeout: Double = 10, _ what: String = "condition", _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}

@Suite("the engine and the action client against real loopback servers", .serialized)
struct ServiceClientTests {
    @Test("a scrape is read through the profile's names only, and still tells a page that is not an exposition")
    func filteredScrapes() throws {
        func outcome(_ text: String) -> ScrapeOutcome {
            let answer = HTTPAnswer(
                status: 200, contentType: "text/plain; version=0.0.4", body: ByteBuffer(bytes: Array(text.utf8)))
            return ServiceClient.scrapeOutcome(.success(answer), duration: 0.01, plan: ReadingPlan.of(.go))
        }
        // A bad line of another name is skipped unchecked; one of a wanted name is counted.
        let text = "go_goroutines 12\nsome_other_total 3\nmore 1\nother{ 1\ngo_threads{ 1\n"
        guard case .read(let reading, let rejected, let error, _) = outcome(text) else {
            Issue.record("a good exposition failed")
            return
        }
        #expect(reading.goroutines == 12 && reading.threads == nil && reading.sources[.goroutines] == "go_goroutines")
        #expect(rejected == 1 && error?.line == 5)
        // Only other names: every sample is kept (the whole answer was parsed), and it is a good scrape.
        guard case .success(let others, _) = outcome("some_other_total 3\n") else {
            Issue.record("an exposition of other names failed")
            return
        }
        #expect(others.samples.map(\.name) == ["some_other_total"])
        // Words are not samples: the filter does not turn a prose page into an empty good scrape.
        guard case .failure(.parse(let reason), _) = outcome("Service temporarily unavailable\nTry later\n") else {
            Issue.record("a prose page was taken for an exposition")
            return
        }
        #expect(reason.contains("line 1"))
    }

    @Test("scrape, probes, log level and drain against a demo instance")
    func demoInstance() async throws {
        let fleet = DemoFleet(specs: [DemoInstanceSpec(name: "svc", scenario: .healthy)])
        try await fleet.start()
        let transport = HTTPTransport()
        let client = ServiceClient(transport: transport)
        let target = try Target.parse(fleet.targets[0])
        #expect(target.name == "svc")

        // Metrics, probes and the log level through the engine users run.
        let poll = await pollOnce(target)
        guard case .read(let reading, let rejected, let error, _)? = poll.scrape else {
            Issue.record("scrape failed: \(String(describing: poll.scrape))")
            return
        }
        #expect(rejected == 0, "\(String(describing: error))")
        #expect(reading.goroutines == fleet.services[0].goroutines || reading.goroutines != nil)
        #expect(reading.memoryLimit == 1_073_741_824.0)
        #expect(reading.workersMax == 32)
        #expect(reading.dbMaxOpen == 20)
        #expect(reading.histogram != nil)
        #expect(reading.gcPauses[0.5] != nil)

        #expect(poll.liveness?.isPassing == true)
        #expect(poll.readiness?.isPassing == true)
        #expect(poll.level?.level == "info")

        // Setting the log level, the zap way.
        let set = await client.setLogLevel(target, level: "debug", timeout: 2)
        #expect(set == .succeeded(status: 200, body: "{\"level\":\"debug\"}"))
        #expect(fleet.services[0].logLevel == "debug")
        let bad = await client.setLogLevel(target, level: "loud", timeout: 2)
        guard case .rejected(400, let message) = bad else {
            Issue.record("expected a 400, got \(bad)")
            return
        }
        #expect(message.contains("unrecognized level"))

        // Drain: readiness turns 503 and in-flight reaches zero; undrain reverses it.
        #expect(await client.drain(target, timeout: 2).isSuccess)
        let readiness = await pollOnce(target).readiness
        #expect(
            readiness?.isPassing == false && readiness?.status == 503 && readiness?.detail.contains("draining") == true)
        #expect(
            await eventually(15, "in-flight at zero") {
                guard case .read(let reading, _, _, _)? = await pollOnce(target).scrape else { return false }
                return reading.inflight == 0
            })
        #expect(await client.undrain(target, timeout: 2).isSuccess)
        #expect(await pollOnce(target).readiness?.isPassing == true)

        // Dumps in both formats parse into the same total.
        let one = try await client.goroutineDump(target, debugLevel: 1, timeout: 5, maxBytes: 1 << 24).get()
        let two = try await client.goroutineDump(target, debugLevel: 2, timeout: 5, maxBytes: 1 << 24).get()
        let d1 = GoroutineDumpParser.parse(one)
        let d2 = GoroutineDumpParser.parse(two)
        #expect(d1.debugLevel == 1 && d2.debugLevel == 2)
        #expect(d1.total > 30 && d2.total > 30)
        #expect(d1.skippedLines == 0 && d2.skippedLines == 0)

        await transport.shutdown()
        await fleet.stop()
    }

    @Test("a closed port is refused, a size cap is enforced, a silent server times out")
    func failures() async throws {
        let transport = HTTPTransport(maxBodyBytes: 1024)
        let client = ServiceClient(transport: transport)
        let server = try FaultServer()
        defer { server.stop() }
        // A port that was just free.
        let refused = await pollOnce(try Target.parse("127.0.0.1:\(try FaultServer.freePort())")).scrape
        let big = await pollOnce(try Target.parse("127.0.0.1:\(server.port)/big"), maxBodyBytes: 1024).scrape
        let started = Date()
        let hang = await pollOnce(try Target.parse("127.0.0.1:\(server.port)/hang"), timeout: 3, requestTimeout: 0.5)
            .scrape
        let hangTime = Date().timeIntervalSince(started)
        let slow = await pollOnce(try Target.parse("127.0.0.1:\(server.port)/slow"), timeout: 3, requestTimeout: 0.5)
            .scrape
        let hungAction = await client.drain(try Target.parse("127.0.0.1:\(server.port)/hang"), timeout: 0.5)
        let failedAction = await client.drain(try Target.parse("127.0.0.1:\(server.port)/500"), timeout: 2)
        await transport.shutdown()
        #expect(hungAction == .failed("timed out"), "an action against a hanging target times out with a clear message")
        #expect(failedAction == .rejected(status: 500, body: "internal failure"))
        guard case .failure(.refused, _)? = refused else {
            Issue.record("expected refused, got \(String(describing: refused))"); return
        }
        guard case .failure(.sizeCap(1024), _)? = big else {
            Issue.record("expected the size cap, got \(String(describing: big))"); return
        }
        guard case .failure(.timeout, let hangDuration)? = hang else {
            Issue.record("expected a timeout, got \(String(describing: hang))"); return
        }
        #expect(hangTime < 3)
        // The request's own deadline ends it: not sooner, and not an interval later.
        #expect(hangDuration >= 0.49 && hangDuration < 0.9, "timed out after \(hangDuration) s")
        guard case .failure(.timeout, _)? = slow else {
            Issue.record("a trickling body must time out, got \(String(describing: slow))"); return
        }
    }
}
