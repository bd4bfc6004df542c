import SvctopTestSupport
import Testing

@testable import SvctopCore

@Suite("trend windows")
struct TrendWindowTests {
    /// Whether `got` is `expected` to within rounding (relative to the larger of the two and `scale`).
    static func close(_ got: Double, _ expected: Double, scale: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(got - expected) <= tolerance * max(abs(expected), abs(got), scale)
    }

    @Test(
        "kept as points arrive and leave, the line equals a fit of the whole window: gaps, bursts, NaNs, drops, resets")
    func matchesFullFit() {
        var random = SeededRandom.forFuzzing("trend window")
        for thinned in [false, true] {
            var series = TimeSeries(
                capacity: 400, thinned: thinned ? TimeSeries.Thinning(every: 10, capacity: 100) : nil)
            var window = TrendWindow()
            var t = 1_700_000_000.0
            var value = 100_000_000.0
            var full = 0
            var flat = 0
            for step in 0..<4_000 {
                // One point a second, with jitter; now and then none, a burst, a gap, a NaN, a flat run, a jump.
                let arriving = Int.random(in: 0..<100, using: &random) < 3 ? Int.random(in: 0...4, using: &random) : 1
                for _ in 0..<arriving {
                    t +=
                        Int.random(in: 0..<200, using: &random) == 0
                        ? 40 : Double.random(in: 0.97...1.03, using: &random)
                    // A jump, then values that do not change for longer than the window, once with a single
                    // step of 1 inside (the spread the sums must not lose to the jump's rounding).
                    if step == 1_000 { value += 5e7 }
                    if step == 1_500 { value += 1 }
                    if !(1_000..<2_000).contains(step) {
                        value += Double(Int.random(in: -4096...8192, using: &random))
                        if Int.random(in: 0..<500, using: &random) == 0 { value += 5e7 }
                    }
                    let nan = Int.random(in: 0..<150, using: &random) == 0
                    series.append(time: t, value: nan ? .nan : value)
                }
                if step == 2_500 { series.removeAll() }
                if step == 3_000 {
                    series.backfill((0..<50).map { TimeSeries.Point(time: t - 2_000 + Double($0), value: 7) })
                }
                // The window moves with time; once, it is asked about a longer one than before.
                let since = t - (step == 3_500 ? 600 : 300)
                let (trend, first) = window.update(series, since: since)
                let points = series.points(since: since)
                let expected = Trend.fit(points)
                #expect(first?.time == points.first?.time, "step \(step)")
                #expect(first?.value.bitPattern == points.first?.value.bitPattern, "step \(step)")
                #expect((trend == nil) == (expected == nil), "step \(step)")
                guard let trend, let expected else { continue }
                #expect(trend.pointCount == expected.pointCount && trend.span == expected.span, "step \(step)")
                // Rounding is relative to the spread of the window's values (and of the line over it).
                let values = points.map(\.value).filter(\.isFinite)
                let mean = values.reduce(0, +) / Double(values.count)
                let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
                    .squareRoot()
                let spread = abs(expected.slope) * expected.span + deviation + 1
                #expect(
                    Self.close(trend.slope * expected.span, expected.slope * expected.span, scale: spread),
                    "step \(step): \(trend.slope) \(expected.slope)")
                #expect(Self.close(trend.current, expected.current, scale: spread), "step \(step)")
                #expect(abs(trend.fit - expected.fit) < 1e-6, "step \(step): \(trend.fit) \(expected.fit)")
                if trend.pointCount >= 200 { full += 1 }
                if Set(points.map(\.value).filter(\.isFinite)).count == 1 {
                    #expect(trend.slope == 0 && trend.fit == 1 && trend.current == expected.current, "step \(step)")
                    flat += 1
                }
            }
            #expect(full > 2_000, "the windows were mostly full")
            #expect(flat > 200, "windows of one value: \(flat)")
        }
    }

    @Test("after values a billion apart leave the window, a step of 1 in the values left is still seen")
    func smallSpreadAfterLargeValues() {
        var series = TimeSeries(capacity: 400)
        var window = TrendWindow()
        for i in 0..<400 {
            // Alternating 0 and 1e9 for 100 s, then 5e8, and 5e8 + 1 from 150 s on.
            let value = i < 100 ? Double(i % 2) * 1e9 : 5e8 + (i >= 150 ? 1 : 0)
            series.append(time: Double(i), value: value)
            let trend = window.update(series, since: Double(i) - 100).trend
            let expected = Trend.fit(series.points(since: Double(i) - 100))
            #expect((trend == nil) == (expected == nil), "\(i)")
            guard let trend, let expected else { continue }
            #expect(abs(trend.fit - expected.fit) < 1e-6, "\(i) s: \(trend.fit) \(expected.fit)")
            #expect(abs(trend.slope - expected.slope) < 1e-9, "\(i) s: \(trend.slope) \(expected.slope)")
        }
    }

    @Test("an instance's trends and OOM estimate come from its windows as scrapes arrive")
    func instanceTrends() {
        var settings = Settings()
        settings.leakWindow = 120
        var state = InstanceState(id: 0, target: Target(name: "a", baseURL: "http://a"), settings: settings)
        for second in 0..<400 {
            let t = Double(second)
            state.goroutines.append(time: t, value: 100 + Double(second / 2))
            state.memory.append(time: t, value: 200e6 + 1e6 * t)
            state.reading = Reading()
            state.reading?.memoryLimit = 1e9
            state.updateTrends(now: t, settings: settings)
        }
        #expect(state.goroutineTrend.map { abs($0.slopePerMinute - 30) < 0.3 } == true)
        #expect(state.goroutineTrend?.span == 120)
        #expect(state.memoryTrend.map { abs($0.slope - 1e6) < 1 } == true)
        // 1e9 − 599e6 bytes at 1 MB a second.
        #expect(state.oom.map { abs($0.seconds - 401) < 0.5 } == true, "\(String(describing: state.oom))")
    }
}
