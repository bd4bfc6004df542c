import Synchronization
import SvctopCore

/// Scrapes and probes every target concurrently, each on its own cadence, and reports what it saw as events.
///
/// - Every target has its own loop: a slow or hanging target delays only itself.
/// - Requests in flight across all targets are bounded by `maxConcurrentRequests`.
/// - A failing target backs off (capped exponential) and returns to the normal interval when it answers.
/// - The log level is refreshed every `settings.logLevelRefresh` seconds.
///
/// Runs until the calling task is cancelled.
public struct ScrapeEngine: Sendable {
    public let client: ServiceClient
    public let settings: Settings
    public let timeout: Double
    public let maxBodyBytes: Int?
    public let maxConcurrentRequests: Int

    public init(client: ServiceClient, settings: Settings, timeout: Double? = nil, maxBodyBytes: Int? = nil,
                maxConcurrentRequests: Int = 128) {
        self.client = client
        self.settings = settings
        self.timeout = timeout ?? settings.interval * 0.8
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentRequests = maxConcurrentRequests
    }

    public func run(targets: [Target], emit: @escaping @Sendable (Event) -> Void) async {
        let limiter = ConcurrencyLimiter(limit: maxConcurrentRequests)
        await withTaskGroup(of: Void.self) { group in
            for (id, target) in targets.enumerated() {
                group.addTask { await self.loop(id: id, target: target, limiter: limiter, emit: emit) }
            }
        }
    }

    func loop(id: InstanceID, target: Target, limiter: ConcurrencyLimiter, emit: @escaping @Sendable (Event) -> Void) async {
        var failures = 0
        var lastLevelRead: ContinuousClock.Instant?
        let levelRefresh = Duration.milliseconds(Int64(settings.logLevelRefresh * 1000))
        let clock = ContinuousClock()
        // Spread the first scrapes over the first interval so hundreds of targets do not fire at once.
        let offset = settings.interval * Double(id % 97) / 97.0
        try? await Task.sleep(for: .milliseconds(Int(offset * 1000)))
        while !Task.isCancelled {
            let started = clock.now
            async let scrape: ScrapeOutcome = limiter.run { await client.scrape(target, timeout: timeout, maxBytes: maxBodyBytes) }
            async let live: ProbeResult = limiter.run { await client.probe(target, .liveness, timeout: timeout) }
            async let ready: ProbeResult = limiter.run { await client.probe(target, .readiness, timeout: timeout) }
            let outcome = await scrape
            let liveResult = await live
            let readyResult = await ready
            if Task.isCancelled { return }
            emit(.scrapeCompleted(id, outcome))
            emit(.probeCompleted(id, .liveness, liveResult))
            emit(.probeCompleted(id, .readiness, readyResult))
            if case .success = outcome { failures = 0 } else { failures += 1 }
            if failures == 0, lastLevelRead.map({ clock.now - $0 >= levelRefresh }) ?? true {
                lastLevelRead = clock.now
                let (level, error) = await limiter.run { await client.logLevel(target, timeout: timeout) }
                if Task.isCancelled { return }
                emit(.logLevelRead(id, level: level, error: error))
            }
            let delay = Backoff.delay(consecutiveFailures: failures, interval: settings.interval)
            let next = started + .milliseconds(Int(delay * 1000))
            if next > clock.now { try? await Task.sleep(until: next, clock: clock) }
        }
    }
}

/// Bounds how many operations run at once (a counting semaphore for async code). Waiters are served in order.
/// The fast path (a free slot) takes a lock and never suspends.
public final class ConcurrencyLimiter: Sendable {
    private let limit: Int
    private let state = Mutex<(running: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    public init(limit: Int) { self.limit = max(1, limit) }

    public func acquire() async {
        let acquired = state.withLock { s -> Bool in
            guard s.running < limit else { return false }
            s.running += 1
            return true
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { s -> Bool in
                if s.running < limit {
                    s.running += 1
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    public func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.running -= 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }

    public func run<T: Sendable>(_ operation: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await operation()
        release()
        return result
    }
}
