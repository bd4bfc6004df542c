import CSvctopSys
import DequeModule
import Foundation
import SvctopCore
import SvctopNetwork
import SvctopRecord

/// Runs the session's flight recorder on a thread of its own, so that encoding, compressing and writing the
/// recording stay off the UI loop, which then only reduces, draws and answers keys.
///
/// Why: at 1,000 targets the recorder took about a third of the UI loop's time (per scrape, 43,600 instructions
/// to encode the reading and 15,900 more for the once-a-second compression and write, against the reducer's
/// 54,400: docs/performance.md), and a key pressed meanwhile waited behind it.
///
/// The loop turns each event into what the recording keeps while its state is at hand (`RecordCodec.recordable`)
/// and hands them over in batches: every `batchSize` events and at every tick, so a small fleet wakes the thread
/// about once a second. One thread and one queue keep the events in order. A recording that falls behind (a disk
/// that blocks) keeps at most `maxBacklog` events waiting; past that new ones are dropped, counted and reported,
/// and the loop never waits for the disk.
///
/// `record`, `tick`, `handOver` and `close` are the loop's (one caller at a time); `flushed` may be awaited from
/// any task. The thread runs at `nice`, with the network threads: both give way to the UI loop.
final class RecorderThread: @unchecked Sendable {
    private enum Job {
        case events([(Event, Double)])
        case tick(now: Double, targets: [RecordedTarget]?)
        case flush(now: Double, done: CheckedContinuation<String, Never>)
        /// Holds the thread until the semaphore is signalled (tests, to make a backlog).
        case hold(DispatchSemaphore)
        case close(now: Double)
    }

    /// What the thread and its callers share, under `lock`.
    private struct Shared {
        var jobs = Deque<Job>()
        /// Events handed over and not yet written.
        var backlog = 0
        /// Events dropped because the backlog was full, and how many of them the loop has reported.
        var dropped = 0
        var reportedDrops = 0
        /// Messages for the loop to show (recording stopped).
        var problems: [String] = []
        /// The rolling file is full: the next tick should bring the session's targets.
        var wantsTargets = false
        /// The file being written (it changes when a rolling file is full).
        var path: String
        var isClosed = false
        var isFinished = false
    }

    /// Guards `shared`; the thread waits on it for jobs, and `close` for the thread to finish (hence broadcast).
    private let lock = NSCondition()
    private var shared: Shared
    /// The loop's batch, not yet handed over (the loop's alone).
    private var batch: [(Event, Double)] = []
    /// The thread's alone once it has started.
    private let recorder: FlightRecorder
    let batchSize: Int
    let maxBacklog: Int

    init(recorder: FlightRecorder, nice: ThreadNice?, batchSize: Int = 256, maxBacklog: Int = 10_000) {
        self.recorder = recorder
        self.batchSize = batchSize
        self.maxBacklog = maxBacklog
        shared = Shared(path: recorder.path)
        batch.reserveCapacity(batchSize)
        let thread = Thread { [self] in
            // Named from inside: a new thread otherwise shows its creator's name (top -H, /proc/PID/task).
            _ = svctop_name_thread("svctop-recorder")
            nice?.apply()
            run()
        }
        thread.start()
    }

    // MARK: The loop's side

    /// Takes an event the state has just reduced at `time`.
    func record(_ event: Event, time: Double, state: AppState) {
        guard let recorded = RecordCodec.recordable(event, state: state) else { return }
        batch.append((recorded, time))
        if batch.count >= batchSize { handOver() }
    }

    /// Once a second: hands over the batch, has the pending second written, and returns what the loop should
    /// show (why recording stopped, events dropped), if anything.
    func tick(now: Double, state: AppState) -> String? {
        let wantsTargets = lock.withLock { shared.wantsTargets }
        let targets = wantsTargets ? state.instances.map { RecordedTarget($0.target) } : nil
        enqueue([.tick(now: now, targets: targets)])
        return lock.withLock {
            if shared.dropped > shared.reportedDrops {
                shared.reportedDrops = shared.dropped
                shared.problems.append("recording fell behind the disk: \(shared.dropped) events not recorded so far")
            }
            defer { shared.problems.removeAll() }
            return shared.problems.isEmpty ? nil : shared.problems.joined(separator: "; ")
        }
    }

    /// Hands the batch over to the thread.
    func handOver() {
        enqueue([])
    }

    /// Hands over the batch, has everything written and closes the file; returns once it is closed.
    func close(now: Double) {
        enqueue([.close(now: now)])
        lock.withLock {
            while !shared.isFinished { lock.wait() }
        }
    }

    // MARK: Any task's side

    /// Has everything handed over so far written to the file, and returns the file's path (for a bundle). After
    /// `close`, once the file is complete.
    func flushed(now: Double) async -> String {
        await withCheckedContinuation { done in
            let path: String? = lock.withLock {
                guard !shared.isFinished else { return shared.path }
                shared.jobs.append(.flush(now: now, done: done))
                lock.broadcast()
                return nil
            }
            if let path { done.resume(returning: path) }
        }
    }

    /// Holds the thread until `release` is signalled (tests).
    func hold(until release: DispatchSemaphore) {
        lock.withLock {
            shared.jobs.append(.hold(release))
            lock.broadcast()
        }
    }

    /// The batch (unless empty), then `jobs`, with one wake-up. A batch that would take the backlog past
    /// `maxBacklog` is dropped and counted (and reported at the next tick).
    private func enqueue(_ jobs: [Job]) {
        let events = batch
        batch.removeAll(keepingCapacity: true)
        lock.withLock {
            guard !shared.isClosed else { return }
            if !events.isEmpty {
                if shared.backlog + events.count > maxBacklog {
                    shared.dropped += events.count
                } else {
                    shared.backlog += events.count
                    shared.jobs.append(.events(events))
                }
            }
            for job in jobs {
                if case .close = job { shared.isClosed = true }
                shared.jobs.append(job)
            }
            if !shared.jobs.isEmpty { lock.broadcast() }
        }
    }

    // MARK: The thread

    private func run() {
        while true {
            let job: Job = lock.withLock {
                while shared.jobs.isEmpty { lock.wait() }
                return shared.jobs.removeFirst()
            }
            switch job {
            case .events(let events):
                for (event, time) in events { recorder.record(event, time: time) }
                lock.withLock { shared.backlog -= events.count }
            case .tick(let now, let targets):
                let problem = recorder.tick(now: now)
                var wantsTargets = false
                if recorder.needsRoll {
                    if let targets { recorder.roll(now: now, targets: targets) } else { wantsTargets = true }
                }
                let path = recorder.path
                lock.withLock {
                    if let problem { shared.problems.append(problem) }
                    shared.wantsTargets = wantsTargets
                    shared.path = path
                }
            case .flush(let now, let done):
                recorder.flush(now: now)
                done.resume(returning: recorder.path)
            case .hold(let release):
                release.wait()
            case .close(let now):
                recorder.close(now: now)
                let abandoned: [Job] = lock.withLock {
                    shared.isFinished = true
                    lock.broadcast()
                    defer { shared.jobs.removeAll() }
                    return Array(shared.jobs)
                }
                // Flushes asked for after the close was queued: the file is complete as it is.
                for case .flush(_, let done) in abandoned { done.resume(returning: recorder.path) }
                return
            }
        }
    }
}
