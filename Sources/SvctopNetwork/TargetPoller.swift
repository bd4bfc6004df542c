import NIOCore
import NIOPosix
import SvctopCore

/// Scrapes, probes and reads the log level of one target, every interval, on its shard's event loop.
///
/// Two keep-alive connections per target, the footprint of a Prometheus scrape plus one: the metrics connection,
/// and the probe connection, which carries liveness, then readiness, then (when due) the log level, one after
/// the other. The scrape's event goes out as soon as the scrape answers, so a slow or hanging probe never holds
/// back the metrics; when the probes of the last cycle are still running at the next one, that cycle sends no
/// new probes (the hanging probe is reported when it times out).
///
/// Confined to `shard.loop` (hence `@unchecked Sendable`).
final class TargetPoller: @unchecked Sendable {
    let id: InstanceID
    let shard: Shard
    /// The target's requests and its two connections; or why they could not be built (a bad URL, TLS files).
    private let lines: Result<Lines, ScrapeFailure>

    private struct Lines {
        var requests: ServiceClient.PollRequests
        var metrics: PollConnection
        var probes: PollConnection
        /// The log-level read's connection: the probe connection, unless the probes go to another address (then
        /// one more connection, to the metrics address).
        var levels: PollConnection
        var all: [PollConnection] { levels === probes ? [metrics, probes] : [metrics, probes, levels] }
    }
    private let interval: Double
    private let timeout: Double
    private let levelRefresh: TimeAmount
    private var failures = 0
    private var lastLevelRead: NIODeadline?
    /// Set by `stop`: no cycle starts and no answer is reported after it (a request cancelled by the stop still
    /// completes, and must not schedule another cycle).
    private var isStopped = false
    /// Neither this poller nor its shard has stopped.
    private var isRunning: Bool { !isStopped && !shard.isStopped }
    private var isProbing = false
    private let probeInterval: TimeAmount
    private let focus: ProbeFocus
    /// The network threads' priority, also taken by the pool thread that parses a very large answer.
    private let threadNice: ThreadNice?
    /// When the last probes started, and whether liveness and readiness both passed.
    private var lastProbe: NIODeadline?
    private var probesPassed = false

    init(
        id: InstanceID, requests: Result<ServiceClient.PollRequests, ScrapeFailure>, engine: ScrapeEngine, shard: Shard
    ) {
        self.id = id
        self.shard = shard
        self.lines = requests.map { prepared in
            let connection = { PollConnection(address: $0, deadlines: shard.deadlines, inflater: shard.inflater) }
            let probes = connection(prepared.probeAddress ?? prepared.address)
            return Lines(
                requests: prepared, metrics: connection(prepared.address), probes: probes,
                levels: prepared.probeAddress == nil ? probes : connection(prepared.address))
        }
        self.interval = engine.settings.interval
        self.timeout = engine.timeout
        self.levelRefresh = .nanoseconds(Int64(engine.settings.logLevelRefresh * 1e9))
        self.probeInterval = .nanoseconds(Int64(engine.settings.probeInterval * 1e9))
        self.focus = engine.focus
        self.threadNice = engine.client.transport.threadNice
    }

    /// Probes go out every interval while the instance is failing, not yet probed, or watched (`ProbeFocus`),
    /// else once per probe interval (less half an interval, so that a 5 s probe interval at 1 s is every 5
    /// cycles, not 6).
    private func probesDue(_ started: NIODeadline) -> Bool {
        guard let last = lastProbe, probesPassed, failures == 0 else { return true }
        if started - last >= probeInterval - .nanoseconds(Int64(interval * 0.5e9)) { return true }
        return focus.isWatched(id)
    }

    var loop: any EventLoop { shard.loop }

    func start(after seconds: Double) {
        shard.register(self)
        schedule(at: .now() + .nanoseconds(Int64(seconds * 1e9)))
    }

    func stop() {
        isStopped = true
        if case .success(let lines) = lines { lines.all.forEach { $0.cancel() } }
    }

    /// Schedules the next cycle at the nearest point of a 10 ms grid, so that the targets that share a phase wake
    /// their loop once (`CycleSlots`).
    private func schedule(at deadline: NIODeadline) {
        guard isRunning else { return }
        shard.cycles.add(self, at: deadline)
    }

    /// One interval: the scrape on the metrics connection and, unless the last cycle's are still running, the
    /// probes on the probe connection. Each reports when it answers; the next cycle is scheduled from this one's
    /// start once the scrape has answered.
    func cycle() {
        guard isRunning else { return }
        let started = NIODeadline.now()
        let lines: Lines
        switch self.lines {
        case .failure(let failure):
            shard.emit([
                .scrapeCompleted(id, .failure(failure, duration: 0)),
                .probeCompleted(id, .liveness, ServiceClient.probeResult(.failure(failure))),
                .probeCompleted(id, .readiness, ServiceClient.probeResult(.failure(failure))),
            ])
            finish(started: started, scraped: false)
            return
        case .success(let prepared):
            lines = prepared
        }
        if !isProbing && probesDue(started) { probe(lines, started: started) }
        let requests = lines.requests
        send(requests.metrics, on: lines.metrics) { [self] result in
            let duration = Double((NIODeadline.now() - started).nanoseconds) / 1e9
            if case .success(let answer) = result, answer.body.readableBytes > ScrapeEngine.inlineParseLimit {
                NIOThreadPool.singleton.runIfActive(eventLoop: loop) { [threadNice] in
                    threadNice?.apply()
                    return ServiceClient.scrapeOutcome(result, duration: duration, plan: requests.plan)
                }.assumeIsolated().whenComplete { [self] parsed in
                    scraped(
                        (try? parsed.get()) ?? .failure(.other("parser unavailable"), duration: duration),
                        started: started)
                }
                return
            }
            scraped(ServiceClient.scrapeOutcome(result, duration: duration, plan: requests.plan), started: started)
        }
    }

    private func scraped(_ outcome: ScrapeOutcome, started: NIODeadline) {
        guard isRunning else { return }
        shard.emit([.scrapeCompleted(id, outcome)])
        finish(started: started, scraped: outcome.isSuccess)
    }

    /// Liveness, then readiness, then the log level when it is due, one after the other on the probe connection;
    /// each result is reported as it arrives.
    private func probe(_ lines: Lines, started: NIODeadline) {
        let requests = lines.requests
        let readLevel = failures == 0 && lastLevelRead.map { started - $0 >= levelRefresh } ?? true
        if readLevel { lastLevelRead = started }
        isProbing = true
        lastProbe = started
        send(requests.liveness, on: lines.probes) { [self] result in
            let live = ServiceClient.probeResult(result)
            shard.emit([.probeCompleted(id, .liveness, live)])
            send(requests.readiness, on: lines.probes) { [self] result in
                let ready = ServiceClient.probeResult(result)
                probesPassed = live.isPassing && ready.isPassing
                shard.emit([.probeCompleted(id, .readiness, ready)])
                guard readLevel else {
                    isProbing = false
                    return
                }
                send(requests.logLevel, on: lines.levels) { [self] result in
                    let level = ServiceClient.logLevel(result, path: requests.logLevel.path)
                    shard.emit([.logLevelRead(id, level: level.level, error: level.error)])
                    isProbing = false
                }
            }
        }
    }

    private func finish(started: NIODeadline, scraped: Bool) {
        guard !shard.isStopped else { return }
        failures = scraped ? 0 : failures + 1
        let delay = Backoff.delay(consecutiveFailures: failures, interval: interval)
        schedule(at: started + .nanoseconds(Int64(delay * 1e9)))
    }

    /// Sends a request on one of the target's connections when a slot is free; `completion` runs on the loop
    /// unless the engine has stopped.
    private func send(
        _ request: PollRequest, on connection: PollConnection,
        completion: @escaping (Result<HTTPAnswer, ScrapeFailure>) -> Void
    ) {
        shard.acquire { [self] in
            guard !isStopped else {
                shard.release()
                return
            }
            connection.send(request, timeout: timeout).assumeIsolated().whenSuccess { [self] result in
                shard.release()
                guard isRunning else { return }
                completion(result)
            }
        }
    }
}
