import NIOCore
import NIOPosix
import SvctopCore

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
    /// The pollers' next cycles on this loop.
    let cycles: CycleSlots
    /// Decodes the compressed answers of this loop's connections.
    let inflater = BodyInflater()

    init(loop: any EventLoop, limit: Int, batchDelay: Double, emit: @escaping @Sendable ([Event]) -> Void) {
        self.loop = loop
        self.deadlines = RequestDeadlines(loop: loop)
        self.cycles = CycleSlots(loop: loop)
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
        cycles.stop()
    }
}
