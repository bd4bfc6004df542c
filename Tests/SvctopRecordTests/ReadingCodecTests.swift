import SvctopCore
import Testing

@testable import SvctopRecord

@Suite("reading codec")
struct ReadingCodecTests {
    /// Readings of one stream that change shape from one to the next: handlers come and go, buckets turn
    /// fractional, the summary and the GC pauses appear and vanish, the metric names change.
    static func readings() -> [Reading] {
        var readings: [Reading] = []
        for second in 0..<12 {
            var r = Reading()
            r.goroutines = Double(100 + second * 3)
            r.memory = 90_000_000 + Double(second) * 4096.5
            r.memoryLimit = second < 6 ? 536_870_912 : nil
            r.drainingGauge = second >= 9 ? 1 : nil
            if second % 3 != 2 { r.gcPauses = [0: 0.00002, 0.5: 0.00011 * Double(second + 1), 1: 0.002] }
            var h = HistogramReading()
            let handlers = second < 4 ? ["/cart", "/pay"] : second < 8 ? ["/cart"] : ["/cart", "/search\u{2}x"]
            for (n, handler) in handlers.enumerated() {
                var buckets: [Double: Double] = [:]
                var total = 0.0
                for (k, le) in [0.005, 0.05, 0.25, 1, .infinity].enumerated() {
                    total += Double((second + 1) * (k + 1) * (n + 2))
                    buckets[le] = second == 5 && n == 0 ? total + 0.5 : total
                }
                h.bucketsByHandler[handler] = buckets
                h.countByHandler[handler] = (buckets[.infinity]!, Double(second * n))
            }
            for buckets in h.bucketsByHandler.values { for (le, v) in buckets { h.buckets[le, default: 0] += v } }
            h.count = h.countByHandler.values.reduce(0) { $0 + $1.count }
            h.errorCount = h.countByHandler.values.reduce(0) { $0 + $1.errors }
            // Totals that are not the handlers' sums (a series without a handler label) in some seconds.
            if second % 4 == 1 { h.count += 7 }
            r.histogram = second == 10 ? nil : h
            if second >= 3 && second < 7 { r.latencySummary = [0.5: 0.012, 0.99: 0.25 + Double(second)] }
            r.sources = [.goroutines: second < 6 ? "go_goroutines" : "runtime_goroutines", .memory: "rss"]
            readings.append(r)
        }
        return readings
    }

    @Test("every kind of entry survives the delta encoding, as the reading's shape changes")
    func roundTrip() throws {
        var writer = ReadingCodec()
        var reader = ReadingCodec()
        for (second, reading) in Self.readings().enumerated() {
            var sink = ByteSink()
            writer.write(reading, stream: "i0", to: &sink)
            var source = ByteSource(sink.bytes)
            let read = try reader.read(stream: "i0", from: &source)
            #expect(read == reading, "at second \(second)")
            #expect(read.sources == reading.sources)
            #expect(read.latencySummary == reading.latencySummary)
            #expect(read.gcPauses == reading.gcPauses)
            #expect(source.isAtEnd)
        }
    }

    @Test("streams of different shapes share one block's keys; each decodes as its own, in any interleaving")
    func interleavedStreams() throws {
        var writer = ReadingCodec()
        var reader = ReadingCodec()
        let forward = Self.readings()
        let backward = Array(forward.reversed())
        // A reading with the same key twice (two NaN quantiles of one bit pattern), then ordinary ones: the
        // stream stays in step.
        var odd = forward[0]
        odd.gcPauses = [:]
        odd.gcPauses[.nan] = 1
        odd.gcPauses[.nan] = 5
        let third = [forward[1], odd, forward[2], forward[3], odd, forward[7]]
        for step in 0..<forward.count {
            var expected: [(String, Reading)] = [("a", forward[step]), ("b", backward[step])]
            if step < third.count { expected.insert(("c", third[step]), at: step % 2) }
            var sink = ByteSink()
            for (stream, reading) in expected { writer.write(reading, stream: stream, to: &sink) }
            var source = ByteSource(sink.bytes)
            for (stream, reading) in expected {
                let read = try reader.read(stream: stream, from: &source)
                if reading.gcPauses.keys.contains(where: \.isNaN) {
                    // One key: it reads as the value of its last entry.
                    #expect(read.gcPauses.count == 1 && read.gcPauses.first?.key.isNaN == true)
                    #expect([1, 5].contains(read.gcPauses.first?.value))
                    #expect(read.goroutines == reading.goroutines && read.histogram == reading.histogram)
                } else {
                    #expect(read == reading, "stream \(stream) at step \(step)")
                    #expect(read.sources == reading.sources && read.gcPauses == reading.gcPauses)
                }
            }
            #expect(source.isAtEnd)
        }
    }

    @Test("each single number is read from the field it is set to, and only that one; each has its own name")
    func scalarAccessors() {
        #expect(Set(ReadingCodec.scalars.map(\.0)).count == ReadingCodec.scalars.count)
        for (i, (name, _, path)) in ReadingCodec.scalars.enumerated() {
            var r = Reading()
            r[keyPath: path] = Double(i + 1)
            let read = ReadingCodec.scalars.map { $0.1(r) }
            #expect(read == ReadingCodec.scalars.indices.map { $0 == i ? Double(i + 1) : nil }, "\(name)")
        }
    }

    @Test("a key's name is parsed back to the same key; a name this version does not know is ignored")
    func keyNames() throws {
        let keys: [ReadingCodec.Key] = [
            .scalar(0), .scalar(ReadingCodec.scalars.count - 1), .gcPause(.init(0.75)), .histogram, .derivedTotals,
            .count, .errors, .bucket(.init(.infinity)), .bucket(.init(0.005)), .handlerSteps("/a:b"),
            .handlerBucket("/a:b", .init(2.5)), .handlerCount("/x"), .handlerErrors("/x"), .summary,
            .quantile(.init(0.99)), .source(.goroutines), .source(.memoryLimit),
        ]
        for key in keys { #expect(ReadingCodec.Key(name: key.name) == key, "\(key.name)") }
        #expect(ReadingCodec.Key(name: "b:oops") == .unknown("b:oops"))
        #expect(ReadingCodec.Key(name: "hb:/nobound") == .unknown("hb:/nobound"))
        #expect(ReadingCodec.Key(name: "src:no_such_signal") == .unknown("src:no_such_signal"))

        // A newer writer's key, defined and set in the stream: the reading decodes without it.
        var sink = ByteSink()
        sink.count(2)
        sink.varint(0 << 2 | 1)
        sink.string("zz:from-a-newer-writer")
        sink.double(5)
        sink.varint(1 << 2 | 0)
        sink.string("goroutines")
        sink.signed(42)
        var source = ByteSource(sink.bytes)
        var reader = ReadingCodec()
        let read = try reader.read(stream: "i0", from: &source)
        var expected = Reading()
        expected.goroutines = 42
        #expect(read == expected)
    }

    @Test("whole numbers under 9e15 are written as steps; fractions, NaN, infinities and larger ones as bits")
    func smallIntegral() {
        for v in [0, -0.0, 1, -3, 536_870_912, 8.999e15, -8.999e15] {
            #expect(ReadingCodec.isSmallIntegral(v), "\(v)")
        }
        for v in [0.5, -2.25, 9e15, -9e15, 1e20, .nan, .infinity, -.infinity, .ulpOfOne] {
            #expect(!ReadingCodec.isSmallIntegral(v), "\(v)")
        }
    }

    @Test("the totals are left out exactly when they are the sums of the handlers' whole-number counts")
    func derivedTotals() {
        func histogram(
            cart: [Double: Double] = [0.1: 2, 1: 5, .infinity: 6],
            pay: [Double: Double] = [0.1: 1, 1: 1, .infinity: 3],
            payCounted: Bool = true, change: (inout HistogramReading) -> Void = { _ in }
        ) -> HistogramReading {
            var h = HistogramReading(
                buckets: [:], bucketsByHandler: ["/cart": cart, "/pay": pay],
                countByHandler: ["/cart": (cart[.infinity] ?? 0, 1)].merging(
                    payCounted ? ["/pay": (pay[.infinity] ?? 0, 0)] : [:]
                ) { a, _ in a })
            var sums: [Double: Double] = [:]
            for row in [cart, pay] { for (le, v) in row { sums[le, default: 0] += v } }
            h.buckets = sums
            h.count = (cart[.infinity] ?? 0) + (payCounted ? pay[.infinity] ?? 0 : 0)
            h.errorCount = 1
            change(&h)
            return h
        }
        #expect(ReadingCodec.derivedTotals(histogram()))
        // A bound only one handler has: the other has no bucket there, and the sum is the one that has.
        #expect(ReadingCodec.derivedTotals(histogram(pay: [1: 1, .infinity: 3])))
        #expect(!ReadingCodec.derivedTotals(histogram { $0.count += 1 }))
        #expect(!ReadingCodec.derivedTotals(histogram { $0.errorCount = 0 }))
        #expect(!ReadingCodec.derivedTotals(histogram { $0.buckets[1] = 7 }))
        #expect(!ReadingCodec.derivedTotals(histogram(cart: [0.1: 2.5, 1: 5, .infinity: 6])))
        #expect(!ReadingCodec.derivedTotals(histogram(payCounted: false)))
        #expect(!ReadingCodec.derivedTotals(histogram(cart: [0.1: 2, .nan: 5, .infinity: 6])))
        #expect(!ReadingCodec.derivedTotals(HistogramReading()))
    }
}
