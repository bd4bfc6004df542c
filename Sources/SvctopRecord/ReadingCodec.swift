import SvctopCore

/// Writes and reads `Reading`s as changes from the previous reading of the same stream (an instance, or a
/// source's instance), within one block of a recording. A reading is flattened into named numbers (`goroutines`,
/// `b:0.25` for a bucket, `hb:/api\u{1}0.25` for a handler's bucket, …) and named texts (the metric names that fed
/// each signal); each entry is written only when it changed: integral values as the zigzag difference from their
/// previous value (counters and gauges move by small whole numbers), others as their 8 bytes. Keys are defined once
/// per block, the first time they are used. docs/recording.md has the byte layout.
struct ReadingCodec {
    private var keys: [String: Int] = [:]
    private var names: [String] = []
    private var previousNumbers: [String: [Int: Double]] = [:]
    private var previousTexts: [String: [Int: String]] = [:]
    /// The last whole-number step written for each key of each stream: a counter that grows steadily is written
    /// as the change of its step, mostly 0.
    private var previousSteps: [String: [Int: Int64]] = [:]

    /// Operations of one entry, in the low two bits of its key index.
    private enum Op: UInt64 {
        case integralDelta = 0, rawDouble = 1, removed = 2, text = 3
    }

    // MARK: Writing

    mutating func write(_ reading: Reading, stream: String, to sink: inout ByteSink) {
        var numbers: [Int: Double] = [:]
        var texts: [Int: String] = [:]
        var ops = ByteSink()
        var opCount = 0
        var fresh: Int?
        func index(_ key: String) -> Int {
            if let i = keys[key] { return i }
            let i = names.count
            keys[key] = i
            names.append(key)
            fresh = i
            return i
        }
        // A key's name follows its first use in the block (the reader appends it to its table there).
        func emit(_ i: Int, _ op: Op) {
            ops.varint(UInt64(i) << 2 | op.rawValue)
            if fresh == i {
                ops.string(names[i])
                fresh = nil
            }
            opCount += 1
        }
        var steps = previousSteps[stream] ?? [:]
        let before = previousNumbers[stream] ?? [:]
        let beforeTexts = previousTexts[stream] ?? [:]
        ReadingCodec.flatten(reading) { key, value in
            let i = index(key)
            numbers[i] = value
            let old = before[i]
            if let old, old.bitPattern == value.bitPattern { return }
            let base = old ?? 0
            if ReadingCodec.isSmallIntegral(value) && ReadingCodec.isSmallIntegral(base) {
                emit(i, .integralDelta)
                let step = Int64(value) - Int64(base)
                ops.signed(step &- (steps[i] ?? 0))
                steps[i] = step
            } else {
                emit(i, .rawDouble)
                ops.double(value)
                steps[i] = nil
            }
        } text: { key, value in
            let i = index(key)
            texts[i] = value
            if beforeTexts[i] == value { return }
            emit(i, .text)
            ops.string(value)
        }
        for i in before.keys where numbers[i] == nil {
            emit(i, .removed)
            steps[i] = nil
        }
        for i in beforeTexts.keys where texts[i] == nil { emit(i, .removed) }
        previousNumbers[stream] = numbers
        previousTexts[stream] = texts
        previousSteps[stream] = steps
        sink.count(opCount)
        sink.bytes.append(contentsOf: ops.bytes)
    }

    // MARK: Reading

    mutating func read(stream: String, from source: inout ByteSource) throws(RecordingError) -> Reading {
        var numbers = previousNumbers[stream] ?? [:]
        var texts = previousTexts[stream] ?? [:]
        var steps = previousSteps[stream] ?? [:]
        let n = try source.count(max: 1 << 20)
        for _ in 0..<n {
            let word = try source.varint()
            guard let op = Op(rawValue: word & 3) else { throw .corrupt("an unknown reading operation") }
            let i64 = word >> 2
            guard i64 <= UInt64(names.count) else { throw .corrupt("a key index \(i64) before its definition") }
            let i = Int(i64)
            if i == names.count {
                names.append(try source.string())
            }
            switch op {
            case .integralDelta:
                let base = numbers[i] ?? 0
                guard ReadingCodec.isSmallIntegral(base) else { throw .corrupt("a difference from a fraction") }
                let step = (steps[i] ?? 0) &+ (try source.signed())
                steps[i] = step
                numbers[i] = Double(Int64(base) &+ step)
                texts[i] = nil
            case .rawDouble:
                numbers[i] = try source.double()
                texts[i] = nil
                steps[i] = nil
            case .removed:
                numbers[i] = nil
                texts[i] = nil
                steps[i] = nil
            case .text:
                texts[i] = try source.string()
                numbers[i] = nil
                steps[i] = nil
            }
        }
        previousNumbers[stream] = numbers
        previousTexts[stream] = texts
        previousSteps[stream] = steps
        var named: [String: Double] = [:]
        for (i, v) in numbers { named[names[i]] = v }
        var namedTexts: [String: String] = [:]
        for (i, v) in texts { namedTexts[names[i]] = v }
        return ReadingCodec.unflatten(named, texts: namedTexts)
    }

    // MARK: Flattening

    static func isSmallIntegral(_ v: Double) -> Bool {
        v.isFinite && v == v.rounded() && abs(v) < 9.0e15
    }

    nonisolated(unsafe) static let scalars: [(String, WritableKeyPath<Reading, Double?>)] = [
        ("goroutines", \.goroutines), ("threads", \.threads), ("memory", \.memory), ("heap", \.heap),
        ("memory_limit", \.memoryLimit), ("inflight", \.inflight), ("workers_busy", \.workersBusy),
        ("workers_max", \.workersMax), ("queue_depth", \.queueDepth), ("queue_capacity", \.queueCapacity),
        ("rejected", \.rejectedTotal), ("db_in_use", \.dbInUse), ("db_max_open", \.dbMaxOpen),
        ("db_wait_count", \.dbWaitCount), ("db_wait_duration", \.dbWaitDuration), ("gc_count", \.gcCount),
        ("start_time", \.startTime), ("draining", \.drainingGauge),
    ]

    static let separator = "\u{1}"

    static func flatten(
        _ r: Reading, number: (String, Double) -> Void, text: (String, String) -> Void
    ) {
        for (key, path) in scalars { if let v = r[keyPath: path] { number(key, v) } }
        for (q, v) in r.gcPauses { number("gp:\(q)", v) }
        if let h = r.histogram {
            number("H", 1)
            // The totals are the handlers' sums when every series has a handler: then only the handlers are
            // written. Whole-number cumulative buckets are written per bucket (a request changes one, not all
            // above it).
            let derived = derivedTotals(h)
            if derived {
                number("Hd", 1)
            } else {
                number("hc", h.count)
                number("he", h.errorCount)
                for (le, v) in h.buckets { number("b:\(le)", v) }
            }
            for (handler, buckets) in h.bucketsByHandler {
                let sorted = buckets.sorted { $0.key < $1.key }
                if sorted.allSatisfy({ isSmallIntegral($0.value) }) {
                    number("hk:\(handler)", 1)
                    var previous = 0.0
                    for (le, v) in sorted {
                        number("hb:\(handler)\(separator)\(le)", v - previous)
                        previous = v
                    }
                } else {
                    for (le, v) in sorted { number("hb:\(handler)\(separator)\(le)", v) }
                }
            }
            for (handler, entry) in h.countByHandler {
                number("hn:\(handler)", entry.count)
                number("hx:\(handler)", entry.errors)
            }
        }
        if let s = r.latencySummary {
            number("S", 1)
            for (q, v) in s { number("s:\(q)", v) }
        }
        for (signal, name) in r.sources { text("src:\(signal.rawValue)", name) }
    }

    /// Whether the totals are exactly the sums of the handlers' whole-number counts (so they need not be written).
    static func derivedTotals(_ h: HistogramReading) -> Bool {
        guard !h.bucketsByHandler.isEmpty, h.countByHandler.count == h.bucketsByHandler.count else { return false }
        var sums: [Double: Double] = [:]
        for buckets in h.bucketsByHandler.values {
            for (le, v) in buckets {
                guard isSmallIntegral(v) else { return false }
                sums[le, default: 0] += v
            }
        }
        let count = h.countByHandler.values.reduce(0) { $0 + $1.count }
        let errors = h.countByHandler.values.reduce(0) { $0 + $1.errors }
        return sums == h.buckets && count == h.count && errors == h.errorCount
    }

    static func unflatten(_ numbers: [String: Double], texts: [String: String]) -> Reading {
        var r = Reading()
        for (key, path) in scalars { r[keyPath: path] = numbers[key] }
        var h: HistogramReading? = numbers["H"] != nil ? HistogramReading() : nil
        if numbers["S"] != nil { r.latencySummary = [:] }
        for (key, v) in numbers {
            guard let colon = key.firstIndex(of: ":") else { continue }
            let kind = key[..<colon]
            let rest = String(key[key.index(after: colon)...])
            switch kind {
            case "gp": if let q = Double(rest) { r.gcPauses[q] = v }
            case "s": if let q = Double(rest) { r.latencySummary?[q] = v }
            case "b": if let le = Double(rest) { h?.buckets[le] = v }
            case "hb":
                let parts = rest.components(separatedBy: separator)
                if parts.count == 2, let le = Double(parts[1]) { h?.bucketsByHandler[parts[0], default: [:]][le] = v }
            case "hn": h?.countByHandler[rest, default: (0, 0)].count = v
            case "hx": h?.countByHandler[rest, default: (0, 0)].errors = v
            default: break
            }
        }
        if var histogram = h {
            for (handler, buckets) in histogram.bucketsByHandler where numbers["hk:\(handler)"] != nil {
                var total = 0.0
                var cumulative: [Double: Double] = [:]
                for (le, v) in buckets.sorted(by: { $0.key < $1.key }) {
                    total += v
                    cumulative[le] = total
                }
                histogram.bucketsByHandler[handler] = cumulative
            }
            if numbers["Hd"] != nil {
                for buckets in histogram.bucketsByHandler.values {
                    for (le, v) in buckets { histogram.buckets[le, default: 0] += v }
                }
                histogram.count = histogram.countByHandler.values.reduce(0) { $0 + $1.count }
                histogram.errorCount = histogram.countByHandler.values.reduce(0) { $0 + $1.errors }
            } else {
                histogram.count = numbers["hc"] ?? 0
                histogram.errorCount = numbers["he"] ?? 0
            }
            h = histogram
        }
        r.histogram = h
        for (key, name) in texts where key.hasPrefix("src:") {
            if let signal = Signal(rawValue: String(key.dropFirst(4))) { r.sources[signal] = name }
        }
        return r
    }
}
