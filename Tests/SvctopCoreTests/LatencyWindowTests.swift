import SvctopTestSupport
import Testing

@testable import SvctopCore

/// The running sums of `LatencyWindow` against a recomputation of the whole window at every step.
@Suite("latency window running sums")
struct LatencyWindowTests {
    /// The window summed from scratch, the way it was computed before the running sums.
    static func recomputed(_ readings: [(Double, HistogramReading)], window: Double, now: Double) -> LatencySummary {
        var kept = readings
        while kept.count > 2 && kept[1].0 <= now - window { kept.removeFirst() }
        var w = LatencyWindow(window: 1e12)
        for (t, r) in kept { w.add(time: t, reading: r) }
        return w.summary()
    }

    @Test("over thousands of scrapes with resets and a sliding window, the running sums equal a full recomputation")
    func runningSumsMatch() {
        var random = SeededRandom.forFuzzing("latency window")
        var window = LatencyWindow(window: 30)
        var history: [(Double, HistogramReading)] = []
        var counts: [Double: Double] = [0.05: 0, 0.1: 0, 0.5: 0, 1: 0, .infinity: 0]
        var total = 0.0
        var errors = 0.0
        for step in 0..<2000 {
            let t = Double(step) + Double.random(in: 0...0.2, using: &random)
            if Int.random(in: 0..<300, using: &random) == 0 {
                // A restart: every counter starts again.
                counts = counts.mapValues { _ in 0 }
                total = 0
                errors = 0
            }
            let n = Double(Int.random(in: 0...50, using: &random))
            let fast = Double(Int.random(in: 0...Int(n), using: &random))
            for le in counts.keys { counts[le]! += le >= 0.1 ? n : fast }
            total += n
            errors += Double(Int.random(in: 0...3, using: &random))
            var reading = HistogramReading()
            reading.buckets = counts
            reading.count = total
            reading.errorCount = min(errors, total)
            window.add(time: t, reading: reading)
            history.append((t, reading))
            let fast1 = window.summary()
            let slow = Self.recomputed(history.suffix(64).map { $0 }, window: 30, now: t)
            for (a, b) in [
                (fast1.p50, slow.p50), (fast1.p90, slow.p90), (fast1.p99, slow.p99), (fast1.rate, slow.rate),
                (fast1.errorRatio, slow.errorRatio),
            ] {
                #expect((a == nil) == (b == nil), "\(random.label) step \(step)")
                if let a, let b {
                    #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(random.label) step \(step): \(a) vs \(b)")
                }
            }
        }
    }
}
