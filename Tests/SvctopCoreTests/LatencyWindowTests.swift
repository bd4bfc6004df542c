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

    /// Per-handler increases summed pair by pair over the readings kept, the way it was computed when whole
    /// readings were kept: (handler → (buckets, count, errors)).
    static func handlerIncreases(_ kept: [(Double, HistogramReading)]) -> [String: ([Double: Double], Double, Double)] {
        var result: [String: ([Double: Double], Double, Double)] = [:]
        for i in kept.indices.dropFirst() {
            let previous = kept[i - 1].1
            let current = kept[i].1
            for (handler, buckets) in current.bucketsByHandler {
                let before = previous.bucketsByHandler[handler] ?? [:]
                for (le, v) in buckets {
                    result[handler, default: ([:], 0, 0)].0[le, default: 0] +=
                        before[le].map { CounterMath.increase(from: $0, to: v) } ?? 0
                }
            }
            for (handler, c) in current.countByHandler {
                let before = previous.countByHandler[handler] ?? c
                result[handler, default: ([:], 0, 0)].1 += CounterMath.increase(from: before.count, to: c.count)
                result[handler, default: ([:], 0, 0)].2 += CounterMath.increase(from: before.errors, to: c.errors)
            }
        }
        return result
    }

    @Test("handlers that come and go (hundreds of them, past compaction) are broken down as a full recomputation")
    func handlersComeAndGo() {
        var random = SeededRandom.forFuzzing("latency window handlers")
        var window = LatencyWindow(window: 10)
        var history: [(Double, HistogramReading)] = []
        var counters: [String: [Double: Double]] = [:]
        var counts: [String: (count: Double, errors: Double)] = [:]
        for step in 0..<1500 {
            let t = Double(step)
            // Two steady handlers, and one that changes every 7 scrapes (a path with an id in it).
            let handlers = ["/cart", "/pay", "/item/\(step / 7)"]
            var reading = HistogramReading()
            for handler in handlers {
                let n = Double(Int.random(in: 0...20, using: &random))
                var buckets = counters[handler] ?? [0.1: 0, 0.5: 0, .infinity: 0]
                let fast = Double(Int.random(in: 0...Int(n), using: &random))
                for le in buckets.keys { buckets[le]! += le >= 0.5 ? n : fast }
                counters[handler] = buckets
                var c = counts[handler] ?? (0, 0)
                c.count += n
                c.errors += n > 15 ? 1 : 0
                counts[handler] = c
                reading.bucketsByHandler[handler] = buckets
                reading.countByHandler[handler] = c
                for (le, v) in buckets { reading.buckets[le, default: 0] += v }
                reading.count += c.count
                reading.errorCount += c.errors
            }
            window.add(time: t, reading: reading)
            history.append((t, reading))
            var kept = history.suffix(30).map { $0 }
            while kept.count > 2 && kept[1].0 <= t - 10 { kept.removeFirst() }
            guard step % 13 == 0, kept.count >= 2 else { continue }
            let expected = Self.handlerIncreases(kept)
            let got = window.byHandler()
            #expect(Set(got.map(\.handler)) == Set(expected.keys), "step \(step)")
            let elapsed = kept.last!.0 - kept.first!.0
            for h in got {
                guard let (buckets, count, errors) = expected[h.handler] else { continue }
                let list = buckets.map { Bucket(upperBound: $0.key, count: $0.value) }
                #expect(h.summary.p99 == HistogramQuantile.quantile(0.99, buckets: list), "step \(step) \(h.handler)")
                #expect(h.summary.rate == count / elapsed)
                #expect(h.summary.errorRatio == (count > 0 ? errors / count : nil))
            }
        }
    }

    @Test("readings of one shape whose buckets and counts come and go are summed as a full recomputation")
    func sameShapeGaps() {
        var random = SeededRandom.forFuzzing("latency window gaps")
        var window = LatencyWindow(window: 8)
        var history: [(Double, HistogramReading)] = []
        var counters: [String: [Double: Double]] = ["/a": [:], "/b": [:]]
        var counts: [String: (count: Double, errors: Double)] = ["/a": (0, 0), "/b": (0, 0)]
        for step in 0..<600 {
            let t = Double(step)
            // The same bounds and handlers at every scrape (one shape), but each handler's series at a bound, and
            // its count, are there or not at random: a value the scrape before lacked has no cell position yet.
            var byHandler: [String: [Double: Double]] = [:]
            var countByHandler: [String: (count: Double, errors: Double)] = [:]
            for handler in ["/a", "/b"] {
                let n = Double(Int.random(in: 0...9, using: &random))
                for le in [0.1, 0.5, .infinity] {
                    counters[handler]![le, default: 0] += le >= 0.5 ? n : n / 2
                }
                counts[handler]!.count += n
                counts[handler]!.errors += n > 7 ? 1 : 0
                var shown = counters[handler]!
                // "/b" always has every bound, so the reading's bounds never change; "/a" drops some.
                if handler == "/a" { for le in [0.1, 0.5] where Bool.random(using: &random) { shown[le] = nil } }
                byHandler[handler] = shown
                if handler == "/b" || Bool.random(using: &random) { countByHandler[handler] = counts[handler] }
            }
            var totals: [Double: Double] = [:]
            for row in byHandler.values { for (le, v) in row { totals[le, default: 0] += v } }
            let reading = HistogramReading(
                buckets: totals, bucketsByHandler: byHandler, count: countByHandler.values.reduce(0) { $0 + $1.count },
                errorCount: countByHandler.values.reduce(0) { $0 + $1.errors }, countByHandler: countByHandler)
            window.add(time: t, reading: reading)
            history.append((t, reading))
            var kept = history.suffix(20).map { $0 }
            while kept.count > 2 && kept[1].0 <= t - 8 { kept.removeFirst() }
            guard kept.count >= 2 else { continue }
            let elapsed = kept.last!.0 - kept.first!.0
            let expected = Self.handlerIncreases(kept)
            for h in window.byHandler() {
                let (buckets, count, errors) = expected[h.handler] ?? ([:], 0, 0)
                let list = buckets.map { Bucket(upperBound: $0.key, count: $0.value) }
                #expect(h.summary.p90 == HistogramQuantile.quantile(0.9, buckets: list), "step \(step) \(h.handler)")
                #expect(h.summary.rate == count / elapsed, "step \(step) \(h.handler)")
                #expect(h.summary.errorRatio == (count > 0 ? errors / count : nil), "step \(step) \(h.handler)")
            }
            // The totals: every bucket of the reading against the one before (none there: no increase).
            var totalIncrease: [Double: Double] = [:]
            for i in kept.indices.dropFirst() {
                let before = kept[i - 1].1.buckets
                for (le, v) in kept[i].1.buckets {
                    totalIncrease[le, default: 0] += before[le].map { CounterMath.increase(from: $0, to: v) } ?? 0
                }
            }
            let list = totalIncrease.map { Bucket(upperBound: $0.key, count: $0.value) }
            #expect(window.summary().p50 == HistogramQuantile.quantile(0.5, buckets: list), "step \(step)")
        }
    }

    @Test("windows of one histogram shape share one layout, whatever order their dictionaries walk in")
    func sharedLayouts() {
        func reading(_ handlers: [String], scale: Double) -> HistogramReading {
            var r = HistogramReading()
            for (n, handler) in handlers.enumerated() {
                var buckets: [Double: Double] = [:]
                for le in [1, .infinity, 0.5, 0.1] { buckets[le] = (scale + Double(n)) * (le.isFinite ? le * 10 : 20) }
                r.bucketsByHandler[handler] = buckets
                r.countByHandler[handler] = (buckets[.infinity]!, scale)
                for (le, v) in buckets { r.buckets[le, default: 0] += v }
            }
            r.count = r.countByHandler.values.reduce(0) { $0 + $1.count }
            r.errorCount = r.countByHandler.values.reduce(0) { $0 + $1.errors }
            return r
        }
        func fed(_ handlers: [String], _ scales: [Double]) -> LatencyWindow {
            var window = LatencyWindow(window: 30)
            for (t, scale) in scales.enumerated() {
                window.add(time: Double(t), reading: reading(handlers, scale: scale))
            }
            return window
        }
        let a = fed(["/layout-x", "/layout-y", "/layout-z"], [1, 2, 4])
        let b = fed(["/layout-z", "/layout-x", "/layout-y"], [3, 5, 9])
        let c = fed(["/layout-x", "/layout-w"], [1, 2, 4])
        #expect(a.sharedLayout === b.sharedLayout)
        #expect(a.sharedLayout !== c.sharedLayout)
        // count, errors, 4 buckets; per handler a marker, count, errors and 4 buckets.
        #expect(a.sharedLayout.cells.count == 6 + 3 * 7 && c.sharedLayout.cells.count == 6 + 2 * 7)
        // Each sums its own scrapes: 60 requests a step of scale, over 2 s.
        #expect(a.summary().rate == 90 && b.summary().rate == 180)
        // A layout no window holds any more is released.
        weak var released: LatencyWindow.Layout?
        do {
            let only = fed(["/layout-only-here"], [1, 2])
            released = only.sharedLayout
            #expect(released != nil)
        }
        #expect(released == nil)
    }

    @Test("a scrape's increases are packed a byte or two each and read back exactly, cells not carried left out")
    func packedIncreases() {
        let values: [Double] = [
            0, 1, 63, 64, 1_000_000, .nan, 0.5, -3, 9.0e15, 1e300, .infinity, -0.0, 4_503_599_627_370_495, .nan, 7,
        ]
        let packed = LatencyWindow.Increases(values)
        var read: [(Int, Double)] = []
        packed.forEach { read.append(($0, $1)) }
        let carried = values.enumerated().filter { !$0.element.isNaN }
        #expect(read.map(\.0) == carried.map(\.offset))
        #expect(read.map(\.1.bitPattern) == carried.map { $0.element == 0 ? 0 : $0.element.bitPattern })
        let dense = packed.values(count: values.count + 2)
        #expect(dense.count == values.count + 2 && dense[5].isNaN && dense[15].isNaN && dense[14] == 7)
        // Whole numbers under 64 take one byte: 59 cells of a busy scrape in 59 bytes, not 472.
        let busy = LatencyWindow.Increases((0..<59).map { Double($0 % 40) })
        var n = 0
        busy.forEach { _, _ in n += 1 }
        #expect(n == 59 && busy.byteCount == 59)
    }
}
