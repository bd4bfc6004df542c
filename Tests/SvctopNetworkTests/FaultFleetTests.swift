import Foundation
import Synchronization
import Testing
@testable import SvctopCore
@testable import SvctopDemo
@testable import SvctopNetwork
import SvctopTestSupport

/// Collects engine events with their arrival times.
@Suite("engine with faulty targets mixed into a healthy fleet", .serialized)
struct FaultFleetTests {
    @Test("every healthy target keeps its interval; each faulty one fails with the right reason; memory stays bounded")
    func mixedFleet() async throws {
        let fleet = DemoFleet(specs: DemoInstanceSpec.fleet(count: 4, only: .healthy))
        try await fleet.start()
        let faults = try FaultServer()
        defer { faults.stop() }
        let closed = try FaultServer.freePort()
        let faulty: [(String, (ScrapeFailure) -> Bool)] = [
            ("refused=127.0.0.1:\(closed)", { $0 == .refused }),
            ("hang=127.0.0.1:\(faults.port)/hang", { $0 == .timeout }),
            ("slow=127.0.0.1:\(faults.port)/slow", { $0 == .timeout }),
            (
                "reset=127.0.0.1:\(faults.port)/reset",
                {
                    [.reset, .other("connection reset")].contains($0) || $0.shortReason == "reset"
                        || $0.shortReason == "error"
                }
            ),
            ("big=127.0.0.1:\(faults.port)/big", { if case .sizeCap = $0 { return true } else { return false } }),
            ("garbage=127.0.0.1:\(faults.port)/garbage", { if case .parse = $0 { return true } else { return false } }),
            (
                "status=127.0.0.1:\(faults.port)/500",
                { if case .httpStatus(500, _) = $0 { return true } else { return false } }
            ),
        ]
        let targets = try fleet.targets.map { try Target.parse($0) } + faulty.map { try Target.parse($0.0) }
        var settings = Settings()
        settings.interval = 1
        let transport = HTTPTransport(maxBodyBytes: 1 << 20)
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings)
        let log = EventLog()
        let rssBefore = Self.residentBytes()
        let task = Task { await engine.run(targets: targets) { log.add($0) } }
        let started = Date().timeIntervalSince1970
        // Wait (with a deadline) until every target has reported at least once and healthy ones several times.
        let healthy = Array(0..<fleet.targets.count)
        let ok = await eventually(20) {
            healthy.allSatisfy { log.scrapes($0).count >= 5 }
                && (fleet.targets.count..<targets.count).allSatisfy { log.scrapes($0).count >= 2 }
        }
        task.cancel()
        await task.value
        await transport.shutdown()
        await fleet.stop()
        #expect(ok, "not every target reported in time")
        let elapsed = Date().timeIntervalSince1970 - started
        for id in healthy {
            let s = log.scrapes(id)
            let successes = s.filter { $0.1.isSuccess }
            #expect(successes.count == s.count, "healthy target \(id) had failures")
            // The interval is kept: gaps between scrapes stay near 1 s even with hanging neighbours.
            let gaps = zip(s.dropFirst(), s).map { $0.0 - $1.0 }
            #expect(gaps.allSatisfy { $0 < 1.6 }, "healthy target \(id) gaps: \(gaps)")
            #expect(Double(s.count) >= elapsed * 0.6)
        }
        for (offset, (spec, expected)) in faulty.enumerated() {
            let s = log.scrapes(fleet.targets.count + offset)
            // The steady state: the last result (the very first may meet a cold start of the whole fleet).
            guard case .failure(let failure, _)? = s.last?.1 else {
                Issue.record("\(spec): expected a failure, got \(String(describing: s.last))")
                continue
            }
            #expect(expected(failure), "\(spec): \(failure) (all: \(s.map { "\($0.1)" }))")
        }
        // 100 MB bodies were refused at the cap, not buffered.
        let grown = Self.residentBytes() - rssBefore
        #expect(grown < 150 << 20, "RSS grew by \(grown >> 20) MiB")
    }

    @Test(
        "the engine keeps two connections per target (metrics, probes), reconnects when a server closes or resets idle ones, asks a loopback target for gzip and reads it"
    )
    func connections() async throws {
        let keepAlive = try FaultServer()
        let idleClose = try FaultServer()
        let gzip = try FaultServer()
        let idleReset = try FaultServer()
        defer { [keepAlive, idleClose, gzip, idleReset].forEach { $0.stop() } }
        var settings = Settings()
        settings.interval = 0.25
        let targets = try [
            Target.parse("ka=127.0.0.1:\(keepAlive.port)/keepalive"),
            Target.parse("idle=127.0.0.1:\(idleClose.port)/idleclose"),
            Target.parse("gz=127.0.0.1:\(gzip.port)/gzip"),
            Target.parse("rst=127.0.0.1:\(idleReset.port)/idlereset"),
        ]
        let transport = HTTPTransport()
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings)
        let log = EventLog()
        let task = Task { await engine.run(targets: targets) { log.add($0) } }
        let ok = await eventually(15) { (0..<4).allSatisfy { log.scrapes($0).count >= 8 } }
        task.cancel()
        await task.value
        await transport.shutdown()
        #expect(ok, "scrapes: \((0..<4).map { log.scrapes($0).count })")
        // Every scrape succeeds, on a server that resets a reused connection too: a request reset before any byte
        // of its answer is sent once more on a new connection, as one closed cleanly is.
        for id in 0..<4 {
            let failures = log.scrapes(id).compactMap {
                if case .failure(let f, _) = $0.1 { return f } else { return nil }
            }
            #expect(failures.isEmpty, "\(targets[id].name): \(failures)")
        }
        #expect(idleReset.connectionsAccepted >= 8, "each request after a connection's first is reset")
        // Metrics, liveness and readiness each keep one connection (the log level shares readiness's).
        #expect(
            keepAlive.connectionsAccepted <= 3,
            "\(keepAlive.connectionsAccepted) connections for \(log.scrapes(0).count) cycles")
        // A server that drops idle connections is simply reconnected to.
        #expect(idleClose.connectionsAccepted >= 8)
        guard case .read(let reading, _, _, _)? = log.scrapes(2).last?.1 else {
            Issue.record("no gzip scrape")
            return
        }
        #expect(reading.goroutines == 4242)
    }

    @Test(
        "malformed lines among good ones keep the good samples; invalid UTF-8 does not break a scrape; gzip is accepted, a corrupt or unknown encoding is refused"
    )
    func partialExpositions() async throws {
        let faults = try FaultServer()
        defer { faults.stop() }
        let malformed = await pollOnce(try Target.parse("127.0.0.1:\(faults.port)/malformed")).scrape
        guard case .read(let m, let rejected, let error, _)? = malformed else {
            Issue.record("malformed scrape failed entirely")
            return
        }
        #expect(m.goroutines == 11)
        #expect(m.memory == 1e6)
        // `go_threads{a=b}` is rejected; "this is not a metric line" names no family svctop reads, so the read
        // skips it after its first word without checking the rest.
        #expect(rejected == 1 && error?.line == 3)
        #expect(m.threads == nil)
        guard case .read(let u, _, _, _)? = await pollOnce(try Target.parse("127.0.0.1:\(faults.port)/badutf8")).scrape
        else {
            Issue.record("bad UTF-8 scrape failed entirely")
            return
        }
        #expect(u.goroutines == 7 && u.threads == 3)
        // A handler label with invalid UTF-8 is kept, repaired.
        #expect(u.histogram?.countByHandler.keys.map { $0.contains("\u{FFFD}") } == [true])
        #expect(u.histogram?.count == 5)
        guard case .read(let g, _, _, _)? = await pollOnce(try Target.parse("127.0.0.1:\(faults.port)/gzip")).scrape
        else {
            Issue.record("a gzip-encoded exposition was not accepted")
            return
        }
        #expect(g.goroutines == 4242)
        #expect(g.threads == 7)
        // A corrupt gzip body and an encoding svctop cannot decode fail the scrape with a reason to show.
        for (path, reason) in [
            ("badgzip", ScrapeFailure.other("bad gzip body")),
            ("brotli", .unsupported("answer encoded as br, which svctop cannot decode")),
        ] {
            let scrape = await pollOnce(try Target.parse("127.0.0.1:\(faults.port)/\(path)")).scrape
            guard case .failure(let failure, _)? = scrape else {
                Issue.record("/\(path) did not fail: \(String(describing: scrape))")
                continue
            }
            #expect(failure == reason)
        }
    }

    @Test("a hanging liveness probe does not hold back the metrics: scrapes keep the interval, the probe times out")
    func hangingProbe() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        var profile = Profile.go
        profile.endpoints.liveness = Endpoint("GET", "/hang")
        profile.endpoints.metrics = Endpoint("GET", "/keepalive")
        let target = Target(name: "stuck-probe", baseURL: "http://127.0.0.1:\(server.port)", profile: profile)
        var settings = Settings()
        settings.interval = 0.5
        let transport = HTTPTransport()
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings, timeout: 0.4)
        let log = EventLog()
        let began = Date().timeIntervalSince1970
        let task = Task { await engine.run(targets: [target]) { log.add($0) } }
        let ok = await eventually(15) { log.scrapes(0).count >= 10 }
        task.cancel()
        await task.value
        await transport.shutdown()
        #expect(ok, "\(log.scrapes(0).count) scrapes")
        let times = log.scrapes(0).map(\.0)
        // The first scrape is reported as soon as it answers, not when the hanging probe times out (0.4 s).
        #expect(times.first.map { $0 - began < 0.3 } == true, "first scrape after \((times.first ?? 0) - began)s")
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Every scrape about one interval after the last; with the probe waited for, each would take its timeout.
        #expect(gaps.allSatisfy { $0 < 0.75 }, "gaps between scrapes: \(gaps)")
        #expect(log.scrapes(0).allSatisfy { $0.1.isSuccess })
        let liveness = log.probes(0, .liveness)
        #expect(
            !liveness.isEmpty && liveness.allSatisfy { !$0.isPassing && $0.detail.contains("timed out") }, "\(liveness)"
        )
    }

    @Test("a restarting target is detected; a flapping one goes down and comes back by itself")
    func restartsAndFlaps() async throws {
        let faults = try FaultServer()
        defer { faults.stop() }
        var settings = Settings()
        settings.interval = 0.5
        var state = AppState(
            targets: [
                try Target.parse("r=127.0.0.1:\(faults.port)/restart"),
                try Target.parse("f=127.0.0.1:\(faults.port)/flap"),
            ],
            settings: settings, now: Date().timeIntervalSince1970)
        let transport = HTTPTransport()
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings)
        let log = EventLog()
        let targets = state.instances.map(\.target)
        let task = Task { await engine.run(targets: targets) { log.add($0) } }
        let flapped = await eventually(15) {
            let s = log.scrapes(1)
            let downs = s.contains {
                if case .failure(.httpStatus(503, _), _) = $0.1 { return true } else { return false }
            }
            let upAfterDown = s.drop { $0.1.isSuccess }.contains { $0.1.isSuccess }
            return downs && upAfterDown && log.scrapes(0).count >= 9
        }
        task.cancel()
        await task.value
        await transport.shutdown()
        #expect(flapped, "the flapping target did not go down and recover")
        for (t, e) in log.events.withLock({ $0 }) { _ = state.reduce(e, now: t) }
        #expect(state.instances[0].restarts >= 1)
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }
}
