import Foundation
import Synchronization
import SvctopCore
import SvctopNetwork

/// Collects the scrape engine's events with the time they arrived.
final class EventLog: Sendable {
    let events = Mutex<[(Double, Event)]>([])
    func add(_ batch: [Event]) {
        let now = Date().timeIntervalSince1970
        events.withLock { $0.append(contentsOf: batch.map { (now, $0) }) }
    }
    func scrapes(_ id: InstanceID) -> [(Double, ScrapeOutcome)] {
        events.withLock { list in
            list.compactMap { t, e in
                if case .scrapeCompleted(let i, let o) = e, i == id { return (t, o) }
                return nil
            }
        }
    }
    func probes(_ id: InstanceID, _ kind: ProbeKind) -> [ProbeResult] {
        events.withLock { list in
            list.compactMap { _, e in
                if case .probeCompleted(let i, let k, let r) = e, i == id, k == kind { return r }
                return nil
            }
        }
    }
    func levels(_ id: InstanceID) -> [(level: String?, error: String?)] {
        events.withLock { list in
            list.compactMap { _, e in
                if case .logLevelRead(let i, let level, let error) = e, i == id { return (level, error) }
                return nil
            }
        }
    }
}

/// What one poll cycle of the production scrape engine saw of a target.
struct PollResult {
    var scrape: ScrapeOutcome?
    var liveness: ProbeResult?
    var readiness: ProbeResult?
    var level: (level: String?, error: String?)?
}

/// Runs the scrape engine users run (`ScrapeEngine` over `PollConnection`s) on one target until it has scraped,
/// probed both ways and read the log level once (or `timeout` passed), and returns what it saw. Tests of the
/// wire (TLS, credentials, faults) go through here so they cover the path users run.
func pollOnce(
    _ target: Target, options: TransportOptions = TransportOptions(), timeout: Double = 10,
    requestTimeout: Double? = nil, maxBodyBytes: Int = 16 << 20
) async -> PollResult {
    var settings = Settings()
    settings.interval = 0.5
    let transport = HTTPTransport(maxBodyBytes: maxBodyBytes)
    let engine = ScrapeEngine(
        client: ServiceClient(transport: transport, options: options), settings: settings,
        timeout: requestTimeout, maxBodyBytes: maxBodyBytes)
    let log = EventLog()
    let task = Task { await engine.run(targets: [target]) { log.add($0) } }
    _ = await eventually(timeout) {
        !log.scrapes(0).isEmpty && !log.probes(0, .liveness).isEmpty && !log.probes(0, .readiness).isEmpty
            && (!log.levels(0).isEmpty || log.scrapes(0).contains { if case .failure = $0.1 { true } else { false } })
    }
    task.cancel()
    await task.value
    await transport.shutdown()
    return PollResult(
        scrape: log.scrapes(0).first?.1, liveness: log.probes(0, .liveness).first,
        readiness: log.probes(0, .readiness).first, level: log.levels(0).first)
}
