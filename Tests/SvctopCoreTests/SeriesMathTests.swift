import Foundation
import SvctopTestSupport
import Testing

@testable import SvctopCore

@Suite("series math")
struct SeriesMathTests {
    @Test("ring buffer keeps the newest points in order")
    func ring() {
        var s = TimeSeries(capacity: 3)
        for i in 0..<5 { s.append(time: Double(i), value: Double(i * 10)) }
        #expect(s.count == 3)
        #expect(s.points.map(\.value) == [20, 30, 40])
        #expect(s.points(since: 3).map(\.value) == [30, 40])
        #expect(s.lastValues(2) == [30, 40])
        #expect(s.firstIndex(atOrAfter: 3.5) == 2)
    }

    @Test("across chunk boundaries: the newest `capacity` points in order; a copy is unchanged by later appends")
    func chunkedRing() {
        for capacity in [1, 62, 127, 128, 129, 300, 3600] {
            var s = TimeSeries(capacity: capacity)
            var copies: [(TimeSeries, [Double])] = []
            for i in 0..<(capacity * 3 + 77) {
                s.append(time: Double(i), value: Double(i) * 0.5)
                let expected = (max(0, i + 1 - capacity)...i).map { Double($0) * 0.5 }
                if i % 97 == 0 || i == capacity || i == capacity - 1 {
                    #expect(s.points.map(\.value) == expected, "capacity \(capacity), \(i + 1) appended")
                    copies.append((s, expected))
                }
            }
            #expect(s.count == capacity)
            #expect(s.first?.time == Double(capacity * 2 + 77))
            #expect(s[0].time == Double(capacity * 2 + 77) && s[capacity - 1].time == Double(capacity * 3 + 76))
            #expect(s.lastValues(2) == Array(s.points.map(\.value).suffix(2)))
            #expect(s.firstIndex(atOrAfter: Double(capacity * 3 + 76)) == capacity - 1)
            // From inside the first (partly dropped) chunk, the last one, and past the end.
            #expect(s.points(since: Double(capacity * 2 + 77) + 0.5).count == capacity - 1)
            #expect(s.points(since: Double(capacity * 3 + 76)).map(\.time) == [Double(capacity * 3 + 76)])
            #expect(s.points(since: Double(capacity * 3 + 77)).isEmpty)
            for (copy, expected) in copies { #expect(copy.points.map(\.value) == expected) }
            var rebuilt = TimeSeries(capacity: capacity)
            for p in s.points { rebuilt.append(time: p.time, value: p.value) }
            #expect(rebuilt == s, "equal by points, whatever the chunks' offsets")
            s.removeAll()
            #expect(s.isEmpty && s.last == nil)
        }
    }

    @Test("sealed chunks give back every value exactly and every time to the millisecond, in a few bytes a point")
    func compactChunks() {
        var s = TimeSeries(capacity: 3600)
        var expected: [TimeSeries.Point] = []
        var random = SystemRandomNumberGenerator()
        let start = 1_800_000_000.123456
        let specials: [Double] = [
            .nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        ]
        for i in 0..<3600 {
            // A scrape every second with jitter, now and then a pause; values of every kind.
            let t = start + Double(i) + Double(Int.random(in: -30...30, using: &random)) / 1000 + (i > 2000 ? 40 : 0)
            let v: Double =
                switch i % 5 {
                case 0: Double(100 + i / 7)  // a count that moves now and then
                case 1: 1e8 + Double(i / 3) * 4096  // memory
                case 2: Double.random(in: 0.001...2, using: &random)  // a quantile
                case 3: specials[i % specials.count]
                default: -Double(i) * 1e-9
                }
            s.append(time: t, value: v)
            expected.append(TimeSeries.Point(time: (t * 1000).rounded() / 1000, value: v))
        }
        let held = s.points
        #expect(held.count == expected.count)
        #expect(zip(held, expected).allSatisfy { $0.time == $1.time && $0.value.bitPattern == $1.value.bitPattern })
        let cut = expected[1234].time
        #expect(s.firstIndex(atOrAfter: cut) == 1234 && s.points(since: cut).count == 3600 - 1234)
        #expect(s.firstIndex(atOrAfter: cut + 0.0005) == 1235)
        #expect(s[1000].time == expected[1000].time && s.last?.time == expected.last?.time)

        // A gauge moving by one at a steady interval: about 3 bytes a point (2 when it does not move).
        var steady = TimeSeries(capacity: 3600)
        for i in 0..<3584 { steady.append(time: 1_800_000_000 + Double(i), value: Double(200 + i % 3)) }
        #expect(steady.sealedBytes <= 3584 * 7 / 2, "\(steady.sealedBytes) bytes")
    }

    @Test(
        "a derived series keeps 16 bits of mantissa (relative error under 8e-6, about half the bytes), its newest point exactly"
    )
    func derivedChunks() {
        var exact = TimeSeries(capacity: 3600)
        var derived = TimeSeries(capacity: 3600, significantBits: 16)
        var random = SystemRandomNumberGenerator()
        var values: [Double] = []
        for i in 0..<3600 {
            // A p99 that wanders, now and then NaN (no requests) or 0.
            let v: Double =
                i % 97 == 0
                ? .nan
                : i % 89 == 0 ? 0 : 0.05 + 0.01 * sin(Double(i) / 50) + Double.random(in: 0...0.002, using: &random)
            values.append(v)
            exact.append(time: 1_800_000_000 + Double(i), value: v)
            derived.append(time: 1_800_000_000 + Double(i), value: v)
        }
        let held = derived.points
        #expect(held.count == 3600)
        for (i, (p, v)) in zip(held, values).enumerated() {
            if v.isNaN {
                #expect(p.value.isNaN)
            } else if i == values.count - 1 {
                #expect(p.value == v && derived.last?.value == v, "the newest point is exact")
            } else {
                #expect(abs(p.value - v) <= abs(v) * 7.7e-6, "\(i): \(p.value) for \(v)")
            }
        }
        #expect(
            derived.sealedBytes * 10 <= exact.sealedBytes * 6, "\(derived.sealedBytes) against \(exact.sealedBytes)")
        #expect(TimeSeries.rounded(1.0 + 1.0 / 131_072, keeping: 16) == 1.0 + 1.0 / 65_536, "ties round away from zero")
        #expect(TimeSeries.rounded(.greatestFiniteMagnitude, keeping: 16) == .greatestFiniteMagnitude)
        #expect(TimeSeries.rounded(-0.1, keeping: 16) == -TimeSeries.rounded(0.1, keeping: 16))
    }

    @Test("an instance's derived series keep 12 bits of mantissa: under 1.3e-4 off, a fifth fewer bytes than 16")
    func instanceDerivedBits() {
        #expect(InstanceState.derivedSeriesBits == 12)
        var twelve = TimeSeries(capacity: 3600, significantBits: InstanceState.derivedSeriesBits)
        var sixteen = TimeSeries(capacity: 3600, significantBits: 16)
        var random = SystemRandomNumberGenerator()
        var values: [Double] = []
        for i in 0..<3584 {
            // A p99 between 40 and 62 ms (one binary exponent), changing in every bit at every scrape.
            let v = 0.05 + 0.01 * sin(Double(i) / 50) + Double.random(in: 0...0.002, using: &random)
            values.append(v)
            twelve.append(time: 1_800_000_000 + Double(i), value: v)
            sixteen.append(time: 1_800_000_000 + Double(i), value: v)
        }
        for (p, v) in zip(twelve.points, values) {
            #expect(abs(p.value - v) <= v * 1.23e-4, "\(p.value) for \(v)")
        }
        // A point: a byte of time, a byte of header, and the one or two bytes of mantissa that changed (16 bits: two
        // or three). Measured: 3.4 bytes a point against 4.4.
        let points = Double(twelve.count - 1)
        #expect(Double(twelve.sealedBytes) / points < 3.6, "\(twelve.sealedBytes) bytes for \(points) points")
        #expect(
            twelve.sealedBytes * 100 < sixteen.sealedBytes * 85, "\(twelve.sealedBytes) against \(sixteen.sealedBytes)")
    }

    @Test("the open chunk grows a little at a time: never more than a point and 64 bytes of room unused")
    func headGrowth() {
        var series = TimeSeries(capacity: 600)
        var largestSpare = 0
        for i in 0..<(3 * TimeSeries.chunkSize) {
            // Memory in bytes, a few bytes of the value changing at every scrape.
            series.append(time: 1_800_000_000 + Double(i), value: 250_000_000 + Double(i % 7) * 40_961)
            largestSpare = max(largestSpare, series.headSpare)
        }
        #expect(largestSpare <= TimeSeries.largestPoint + TimeSeries.headGrowth, "\(largestSpare) bytes unused")
        #expect(series.count == 3 * TimeSeries.chunkSize)
    }

    @Test(
        "a thinned series keeps its newest readings exactly and older history as the largest of every 10, back to the whole history, in a quarter of the bytes"
    )
    func thinnedHistory() {
        let start = 1_800_000_000.0
        let thinning = TimeSeries.Thinning(every: 10, capacity: 360)
        var thinned = TimeSeries(capacity: 600, thinned: thinning)
        var full = TimeSeries(capacity: 3600)
        for i in 0..<4000 {
            // A spike at 1,000 s; no reading at all (NaN) from 2,000 to 2,009 and at 2,015.
            let v = i == 1000 ? 1e6 : (2000..<2010).contains(i) || i == 2015 ? .nan : Double(i % 7)
            thinned.append(time: start + Double(i), value: v)
            full.append(time: start + Double(i), value: v)
        }
        #expect(thinned.count == 600, "positions address the full-resolution readings")
        #expect(thinned.lastValues(3) == [Double(3997 % 7), Double(3998 % 7), Double(3999 % 7)])
        let points = thinned.points
        // 360 thinned points end at 3,999 s (409, 419, … 3,999); those before the first full reading (3,400) come
        // first, then 600 readings a second.
        #expect(points.count == 300 + 600)
        #expect(points.first?.time == start + 409 && thinned.first?.time == start + 409)
        #expect(points[299].time == start + 3399 && points[300].time == start + 3400)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.time < $1.time }, "oldest first, no overlap")
        let at = { (t: Double) in points.first { $0.time == start + t }?.value }
        #expect(at(1009) == 1e6, "the spike survives thinning")
        #expect(at(2009).map(\.isNaN) == true, "ten readings without a value")
        #expect(at(2019) == 5, "the largest value of a group with a gap: \(String(describing: at(2019)))")
        #expect(thinned.points(since: start + 3000).count == 40 + 600)
        #expect(thinned.points(since: start + 3500).count == 500)
        #expect(thinned.sealedBytes * 4 <= full.sealedBytes, "\(thinned.sealedBytes) against \(full.sealedBytes)")

        // History from before: the newest go to full resolution, the rest is thinned before the held points.
        var late = TimeSeries(capacity: 600, thinned: thinning)
        for i in 3000..<3005 { late.append(time: start + Double(i), value: 1) }
        late.backfill((0..<3000).map { TimeSeries.Point(time: start + Double($0), value: Double($0)) })
        #expect(late.count == 600 && late.points(since: start + 2405).count == 600)
        #expect(late.points(since: start + 2405).last?.time == start + 3004)
        let older = late.points.prefix { $0.time < start + 2405 }
        #expect(older.count == 240 && older.first?.value == 9 && older.last?.time == start + 2399)
        for i in 3005..<3010 { late.append(time: start + Double(i), value: 1) }
        #expect(late.points.last(where: { $0.time < start + 2405 })?.time == start + 2399, "full readings stay newer")
    }

    @Test("counter increases survive a reset without going negative or spiking")
    func counterReset() {
        let points = [(0.0, 100.0), (1, 110), (2, 5), (3, 15)].map { TimeSeries.Point(time: $0.0, value: $0.1) }
        // 10 before the restart, then 5 accumulated since it, then 10 more.
        #expect(CounterMath.increase(points) == 25)
        #expect(CounterMath.rate(points) == 25.0 / 3)
        #expect(CounterMath.increase(from: 50, to: 40) == 40)
    }

    @Test("a counter's window gives the rate and increase of a history's points in the window, through resets and gaps")
    func counterWindow() {
        var random = SeededRandom.forFuzzing("counter window")
        var window = CounterWindow()
        var history = TimeSeries(capacity: 10_000)
        var value = 0.0
        var time = 1_000.0
        for step in 0..<3000 {
            // Scrapes about a second apart, now and then a pause longer than the window; resets now and then.
            time += Int.random(in: 0..<200, using: &random) == 0 ? 45 : Double.random(in: 0.9...1.1, using: &random)
            value =
                Int.random(in: 0..<150, using: &random) == 0 ? 0 : value + Double(Int.random(in: 0...9, using: &random))
            let since = time - 30
            window.add(time: time, value: value, since: since)
            history.append(time: time, value: value)
            let points = history.points(since: since)
            #expect(window.rate == CounterMath.rate(points), "\(random.label) step \(step)")
            #expect(window.increase == CounterMath.increase(points), "\(random.label) step \(step)")
        }
    }

    /// Expected values computed with Prometheus' own `bucketQuantile` rules by hand.
    @Test(
        "histogram_quantile semantics",
        arguments: [
            // Linear interpolation inside the bucket: rank 50 of 100, 40 below 0.1, 40 in (0.1, 0.5].
            (0.5, [(0.1, 40.0), (0.5, 80), (1, 100), (.infinity, 100)], 0.1 + 0.4 * (10.0 / 40)),
            // First bucket interpolates from 0.
            (0.25, [(0.1, 40.0), (0.5, 80), (.infinity, 100)], 0.1 * (25.0 / 40)),
            // Rank in the +Inf bucket: the highest finite bound.
            (0.99, [(0.1, 40.0), (0.5, 80), (.infinity, 100)], 0.5),
            // Non-monotonic counts are fixed as Prometheus does.
            (0.5, [(0.1, 50.0), (0.5, 40), (.infinity, 100)], 0.1),
            // Negative first bound: that bound.
            (0.1, [(-1.0, 20.0), (0, 50), (.infinity, 100)], -1),
        ])
    func quantiles(q: Double, buckets: [(Double, Double)], expected: Double) throws {
        let result = try #require(
            HistogramQuantile.quantile(q, buckets: buckets.map { Bucket(upperBound: $0.0, count: $0.1) }))
        #expect(abs(result - expected) < 1e-12)
    }

    @Test("no observations and no +Inf bucket give no quantile; q outside 0...1 gives ±Inf")
    func quantileEdges() {
        #expect(
            HistogramQuantile.quantile(
                0.5, buckets: [Bucket(upperBound: 1, count: 0), Bucket(upperBound: .infinity, count: 0)]) == nil)
        #expect(HistogramQuantile.quantile(0.5, buckets: [Bucket(upperBound: 1, count: 3)]) == nil)
        #expect(
            HistogramQuantile.quantile(
                -0.1, buckets: [Bucket(upperBound: 1, count: 3), Bucket(upperBound: .infinity, count: 3)]) == -.infinity
        )
        #expect(
            HistogramQuantile.quantile(
                1.1, buckets: [Bucket(upperBound: 1, count: 3), Bucket(upperBound: .infinity, count: 3)]) == .infinity)
    }

    @Test("window quantiles come from bucket deltas, summed over series, across a restart")
    func latencyWindow() {
        var w = LatencyWindow(window: 30)
        func reading(_ b: [Double: Double], count: Double, errors: Double) -> HistogramReading {
            var r = HistogramReading()
            r.buckets = b
            r.count = count
            r.errorCount = errors
            return r
        }
        // Before the window: lots of fast requests that must not count.
        w.add(time: 0, reading: reading([0.1: 1000, 1: 1000, .infinity: 1000], count: 1000, errors: 0))
        w.add(time: 10, reading: reading([0.1: 1000, 1: 1050, .infinity: 1100], count: 1100, errors: 10))
        w.add(time: 20, reading: reading([0.1: 1000, 1: 1100, .infinity: 1200], count: 1200, errors: 20))
        let s = w.summary()
        // Increase: le=0.1 → 0, le=1 → 100, +Inf → 200. p50: rank 100 → exactly the top of (0.1, 1].
        #expect(abs(s.p50! - 1) < 1e-12)
        #expect(s.p99 == 1)
        #expect(s.rate == 10)
        #expect(s.errorRatio == 0.1)
        // A restart: counts go down; the new values are the increase.
        w.add(time: 30, reading: reading([0.1: 10, 1: 10, .infinity: 10], count: 10, errors: 0))
        let after = w.summary()
        // 100 + 100 before the restart, then 10 accumulated since it, over 30 s.
        #expect(after.rate == 210.0 / 30)
    }

    @Test("trend: slope, fit and time to a threshold")
    func trend() throws {
        let points = (0..<60).map { TimeSeries.Point(time: Double($0), value: 100 + 2 * Double($0)) }
        let t = try #require(Trend.fit(points))
        #expect(abs(t.slope - 2) < 1e-9)
        #expect(abs(t.fit - 1) < 1e-9)
        #expect(abs(t.slopePerMinute - 120) < 1e-6)
        #expect(abs(t.secondsUntil(518, from: 218)! - 150) < 1e-9)
        #expect(t.secondsUntil(100, from: 218) == nil)
        let noisy = (0..<60).map { TimeSeries.Point(time: Double($0), value: $0 % 2 == 0 ? 0 : 100) }
        #expect(try #require(Trend.fit(noisy)).fit < 0.1)
        // Readings without a value are left out of the line, not counted as points on it.
        var gaps = points
        for i in [3, 17, 40] { gaps[i].value = .nan }
        let g = try #require(Trend.fit(gaps))
        #expect(abs(g.slope - 2) < 1e-9 && abs(g.current - 218) < 1e-9 && g.pointCount == 60, "\(g)")
        let sparse = (0..<10).map { TimeSeries.Point(time: Double($0), value: $0 < 2 ? Double($0) : .nan) }
        #expect(Trend.fit(sparse) == nil, "two values are not a trend")
    }

    @Test("backoff doubles per failure and is capped")
    func backoff() {
        #expect(Backoff.delay(consecutiveFailures: 0, interval: 1) == 1)
        #expect(Backoff.delay(consecutiveFailures: 1, interval: 1) == 1)
        #expect(Backoff.delay(consecutiveFailures: 2, interval: 1) == 2)
        #expect(Backoff.delay(consecutiveFailures: 4, interval: 1) == 8)
        #expect(Backoff.delay(consecutiveFailures: 40, interval: 1) == 30)
    }
}

@Suite("reading a latency histogram from samples")
struct HistogramReadingTests {
    @Test("buckets summed by bound over every series and per handler; a handler gets only the bounds it has")
    func perHandler() throws {
        let text = """
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{handler="/a",code="200",le="0.1"} 5
            http_request_duration_seconds_bucket{handler="/a",code="200",le="1"} 8
            http_request_duration_seconds_bucket{handler="/a",code="200",le="+Inf"} 9
            http_request_duration_seconds_bucket{handler="/a",code="500",le="0.1"} 1
            http_request_duration_seconds_bucket{handler="/a",code="500",le="1"} 1
            http_request_duration_seconds_bucket{handler="/a",code="500",le="+Inf"} 2
            http_request_duration_seconds_bucket{handler="/b",code="200",le="0.1"} 3
            http_request_duration_seconds_bucket{handler="/b",code="200",le="0.5"} 4
            http_request_duration_seconds_bucket{handler="/b",code="200",le="1.0"} 6
            http_request_duration_seconds_bucket{handler="/b",code="200",le="+Inf"} 7
            http_request_duration_seconds_count{handler="/a",code="200"} 9
            http_request_duration_seconds_count{handler="/a",code="500"} 2
            http_request_duration_seconds_count{handler="/b",code="200"} 7

            """
        let h = try #require(Reading(metrics: MetricSet.parse(text), profile: .go).histogram)
        // "1" and "1.0" are the same bound.
        #expect(h.buckets == [0.1: 9, 0.5: 4, 1: 15, .infinity: 18])
        #expect(h.bucketsByHandler["/a"] == [0.1: 6, 1: 9, .infinity: 11])
        #expect(h.bucketsByHandler["/b"] == [0.1: 3, 0.5: 4, 1: 6, .infinity: 7])
        #expect(h.count == 18 && h.errorCount == 2)
        #expect(h.countByHandler["/a"]?.count == 11 && h.countByHandler["/a"]?.errors == 2)
    }
}
