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
