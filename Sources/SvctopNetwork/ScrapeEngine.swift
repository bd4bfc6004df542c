import NIOCore
import NIOPosix
import Synchronization
import SvctopCore

/// Scrapes and probes every target concurrently, each on its own cadence, and reports what it saw as events.
///
/// - Every target has its own poller: a slow or hanging target delays only itself.
/// - Each poller lives on one of the HTTP client's event loops: its timer, its requests, its connections and the
///   parsing of its answers all run on that loop, so a scrape costs no thread hop (measured: the hops between the
///   event loops and Swift's cooperative pool were the largest cost of the engine; docs/performance.md).
/// - Requests in flight are bounded by `maxConcurrentRequests` (split evenly between the loops, no lock).
/// - A failing target backs off (capped exponential) and returns to the normal interval when it answers.
/// - The log level is refreshed every `settings.logLevelRefresh` seconds, along with a cycle's other requests.
/// - Events are handed over in batches, at most `batchDelay` after the first of them, so that hundreds of targets
///   wake the consumer tens of times a second rather than thousands.
///
/// Runs until the calling task is cancelled; no event is emitted after `run` returns.
public struct ScrapeEngine: Sendable {
    public let client: ServiceClient
    public let settings: Settings
    public let timeout: Double
    public let maxBodyBytes: Int?
    public let maxConcurrentRequests: Int
    public let batchDelay: Double
    /// Instances probed every interval for now (see `ProbeFocus`).
    public let focus: ProbeFocus

    /// Answers larger than this are parsed on a thread pool instead of the event loop, so one huge exposition does
    /// not hold up the other targets on the loop.
    static let inlineParseLimit = 512 << 10

    public init(
        client: ServiceClient, settings: Settings, timeout: Double? = nil, maxBodyBytes: Int? = nil,
        maxConcurrentRequests: Int = 256, batchDelay: Double = 0.015, focus: ProbeFocus = ProbeFocus()
    ) {
        self.focus = focus
        self.client = client
        self.settings = settings
        self.timeout = timeout ?? settings.interval * 0.8
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentRequests = maxConcurrentRequests
        self.batchDelay = batchDelay
    }

    public func run(
        targets: [Target], control: ScrapeControl? = nil, emit: @escaping @Sendable ([Event]) -> Void
    ) async {
        // A small fleet stays on one loop (one thread to wake per interval); larger ones use them all, and so does
        // a fleet that changes (pods), whose size is not known.
        let loops = Array(client.transport.eventLoops.prefix(control != nil ? .max : max(1, targets.count / 64)))
        let shards = loops.map {
            Shard(loop: $0, limit: max(4, maxConcurrentRequests / loops.count), batchDelay: batchDelay, emit: emit)
        }
        // Targets start in phase groups spread over the first interval: a few targets share a wake-up, and
        // hundreds of targets do not fire at once.
        let groups = max(1, min(100, targets.count / 8))
        let pollers = targets.enumerated().map { id, target in
            TargetPoller(
                id: id, requests: client.pollRequests(target, maxBytes: maxBodyBytes), engine: self,
                shard: shards[id % shards.count])
        }
        let stop = StopSignal()
        await withTaskCancellationHandler {
            for poller in pollers {
                let phase = settings.interval * Double(poller.id % groups) / Double(groups)
                poller.shard.loop.execute { poller.start(after: phase) }
            }
            control?.attach { [self] change in perform(change, shards: shards) }
            await stop.wait()
        } onCancel: {
            stop.fire()
        }
        control?.detach()
        for shard in shards {
            try? await shard.loop.submit { shard.stop() }.get()
        }
    }
}

/// Wakes the engine's `run` when its task is cancelled.
final class StopSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = state.withLock { s -> Bool in
                if !s.fired { s.waiter = continuation }
                return s.fired
            }
            if fired { continuation.resume() }
        }
    }

    func fire() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.fired = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }
}

/// What the pollers on one event loop share: the request slots and the outgoing event batch.
///
/// Confined to `loop`: every method runs there (hence `@unchecked Sendable`).
final class Shard: @unchecked Sendable {
    let loop: any EventLoop
    private let limit: Int
    private let batchDelay: TimeAmount
    private let emitBatch: @Sendable ([Event]) -> Void
    private var running = 0
    private var waiting = CircularBuffer<() -> Void>()
    private var batch: [Event] = []
    private var flush: Scheduled<Void>?
    private var pollers: [TargetPoller] = []
    private(set) var isStopped = false
    /// The deadlines of the requests in flight on this loop.
    let deadlines: RequestDeadlines

    init(loop: any EventLoop, limit: Int, batchDelay: Double, emit: @escaping @Sendable ([Event]) -> Void) {
        self.loop = loop
        self.deadlines = RequestDeadlines(loop: loop)
        self.limit = limit
        self.batchDelay = .nanoseconds(Int64(batchDelay * 1e9))
        self.emitBatch = emit
    }

    func register(_ poller: TargetPoller) { pollers.append(poller) }

    /// Stops and forgets the poller of `id` (a target removed while the engine runs).
    func remove(_ id: InstanceID) {
        pollers.removeAll { poller in
            guard poller.id == id else { return false }
            poller.stop()
            return true
        }
    }

    /// Runs `work` when a request slot is free (at once when one is); `work` must call `release()` when done.
    func acquire(_ work: @escaping () -> Void) {
        if running < limit {
            running += 1
            work()
        } else {
            waiting.append(work)
        }
    }

    func release() {
        if !isStopped, let next = waiting.popFirst() {
            next()
        } else {
            running -= 1
        }
    }

    func emit(_ events: [Event]) {
        guard !isStopped else { return }
        batch.append(contentsOf: events)
        if flush == nil {
            flush = loop.scheduleTask(in: batchDelay) { [self] in
                flush = nil
                guard !isStopped, !batch.isEmpty else { return }
                let events = batch
                batch = []
                emitBatch(events)
            }
        }
    }

    func stop() {
        isStopped = true
        flush?.cancel()
        batch = []
        waiting.removeAll()
        for poller in pollers { poller.stop() }
        pollers = []
        deadlines.stop()
    }
}

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
    private var next: Scheduled<Void>?
    private var isProbing = false
    private let probeInterval: TimeAmount
    private let focus: ProbeFocus
    /// When the last probes started, and whether liveness and readiness both passed.
    private var lastProbe: NIODeadline?
    private var probesPassed = false

    init(
        id: InstanceID, requests: Result<ServiceClient.PollRequests, ScrapeFailure>, engine: ScrapeEngine, shard: Shard
    ) {
        self.id = id
        self.shard = shard
        self.lines = requests.map { prepared in
            let connection = { PollConnection(address: $0, deadlines: shard.deadlines) }
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
        next?.cancel()
        next = nil
        if case .success(let lines) = lines { lines.all.forEach { $0.cancel() } }
    }

    /// Schedules the next cycle at the nearest point of a 10 ms grid, so that the targets that share a phase wake their loop once.
    private func schedule(at deadline: NIODeadline) {
        guard !shard.isStopped else { return }
        let grid: UInt64 = 10_000_000
        let aligned = NIODeadline.uptimeNanoseconds((deadline.uptimeNanoseconds + grid / 2) / grid * grid)
        next = loop.scheduleTask(deadline: aligned) { [self] in cycle() }
    }

    /// One interval: the scrape on the metrics connection and, unless the last cycle's are still running, the
    /// probes on the probe connection. Each reports when it answers; the next cycle is scheduled from this one's
    /// start once the scrape has answered.
    private func cycle() {
        guard !shard.isStopped else { return }
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
                NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
                    ServiceClient.scrapeOutcome(result, duration: duration, plan: requests.plan)
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
        guard !shard.isStopped else { return }
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
            connection.send(request, timeout: timeout).assumeIsolated().whenSuccess { [self] result in
                shard.release()
                guard !shard.isStopped else { return }
                completion(result)
            }
        }
    }
}

extension ScrapeEngine {
    /// A target added or removed while the engine runs (ScrapeControl), on its shard's loop.
    fileprivate func perform(_ change: ScrapeControl.Change, shards: [Shard]) {
        switch change {
        case .add(let id, let target):
            let shard = shards[id % shards.count]
            shard.loop.execute { [self] in
                shard.remove(id)
                let poller = TargetPoller(
                    id: id, requests: client.pollRequests(target, maxBytes: maxBodyBytes), engine: self, shard: shard)
                poller.start(after: 0)
            }
        case .remove(let id):
            let shard = shards[id % shards.count]
            shard.loop.execute { shard.remove(id) }
        }
    }
}
