import SvctopCore

/// Writes and reads `Reading`s as changes from the previous reading of the same stream (an instance, or a
/// source's instance), within one block of a recording. A reading is flattened into named numbers (`goroutines`,
/// `b:0.25` for a bucket, `hb:/api\u{1}0.25` for a handler's bucket, …) and named texts (the metric names that fed
/// each signal); each entry is written only when it changed: integral values as the zigzag difference from their
/// previous value (counters and gauges move by small whole numbers), others as their 8 bytes. Keys are defined once
/// per block, the first time they are used. docs/recording.md has the byte layout.
struct ReadingCodec {
    private var keys: [Key: Int] = [:]
    /// Writing: the block's keys by index.
    private var keyList: [Key] = []
    /// Writing: each stream's previous reading, as the entries it carried in the order it was flattened. The next
    /// reading of the same shape flattens in the same order, so its keys' indices are found without hashing them.
    /// A stream keeps only its own entries (not a slot for every key of the block): at 1,000 streams in a block,
    /// a slot per key was 9 KiB a stream.
    private var written: [String: Written] = [:]
    /// Reading: each key's meaning, parsed once when the block defines it, and each stream's values by key index.
    private var meanings: [Key] = []
    private var streams: [String: StreamValues] = [:]

    /// A stream's values by key index: numbers, texts, and the last whole-number step written for each number (a
    /// counter that grows steadily is written as the change of its step, mostly 0).
    private struct StreamValues {
        var numbers: [Double?] = []
        var texts: [String?] = []
        var steps: [Int64?] = []

        mutating func fit(_ count: Int) {
            guard numbers.count < count else { return }
            let more = count - numbers.count
            numbers.append(contentsOf: repeatElement(nil, count: more))
            texts.append(contentsOf: repeatElement(nil, count: more))
            steps.append(contentsOf: repeatElement(nil, count: more))
        }

        mutating func clear(_ i: Int) {
            numbers[i] = nil
            texts[i] = nil
            steps[i] = nil
        }
    }

    /// A number a stream's previous reading carried: its key's index, its value's bits, and the last whole-number
    /// step written for it, if any (24 bytes).
    private struct WrittenNumber {
        var index: Int32
        var hasStep = false
        var bits: UInt64
        var step: Int64 = 0
    }

    /// A text a stream's previous reading carried.
    private struct WrittenText {
        var index: Int
        var text: String
    }

    private struct Written {
        var numbers: [WrittenNumber] = []
        var texts: [WrittenText] = []
    }

    /// Operations of one entry, in the low two bits of its key index.
    private enum Op: UInt64 {
        case integralDelta = 0, rawDouble = 1, removed = 2, text = 3
    }

    // MARK: Writing

    /// One reading being written: the stream's previous entries, the entries this one carries so far, and its
    /// operations.
    private struct Pass {
        let previous: Written
        var next = Written()
        var touched: [Bool]
        var ops = ByteSink()
        var opCount = 0
        /// The previous numbers by key index, made only when this reading's shape differs from the previous one's.
        var byIndex: [Int32: Int]?

        init(previous: Written, keyCount: Int) {
            self.previous = previous
            touched = [Bool](repeating: false, count: keyCount)
            next.numbers.reserveCapacity(previous.numbers.count)
            next.texts.reserveCapacity(previous.texts.count)
            ops.bytes.reserveCapacity(16 + 2 * previous.numbers.count)
        }
    }

    /// Writes each entry as it is flattened, without gathering the keyed entries first: building and freeing that
    /// list was a third of writing a reading.
    mutating func write(_ reading: Reading, stream: String, to sink: inout ByteSink) {
        var pass = Pass(previous: written.removeValue(forKey: stream) ?? Written(), keyCount: keys.count)
        ReadingCodec.flatten(reading) {
            self.number($0, $1, &pass)
        } text: {
            self.text($0, $1, &pass)
        }
        for entry in pass.previous.numbers where !pass.touched[Int(entry.index)] {
            emit(Int(entry.index), .removed, fresh: nil, to: &pass.ops)
            pass.opCount += 1
        }
        for entry in pass.previous.texts where !pass.touched[entry.index] {
            emit(entry.index, .removed, fresh: nil, to: &pass.ops)
            pass.opCount += 1
        }
        written[stream] = pass.next
        sink.count(pass.opCount)
        sink.bytes.append(contentsOf: pass.ops.bytes)
    }

    /// A reading's next number (its position is how many the pass has carried so far): unchanged numbers are written
    /// as nothing, whole numbers as the change of their step, others as their bits.
    private mutating func number(_ key: Key, _ value: Double, _ p: inout Pass) {
        let k = p.next.numbers.count
        let i: Int
        let fresh: Key?
        var old: WrittenNumber?
        if k < p.previous.numbers.count, keyList[Int(p.previous.numbers[k].index)] == key {
            (i, fresh) = (Int(p.previous.numbers[k].index), nil)
            old = p.previous.numbers[k]
        } else {
            (i, fresh) = index(key, touched: &p.touched)
            if p.byIndex == nil {
                p.byIndex = Dictionary(
                    p.previous.numbers.enumerated().map { ($1.index, $0) }, uniquingKeysWith: { a, _ in a })
            }
            old = p.byIndex?[Int32(i)].map { p.previous.numbers[$0] }
        }
        // The same key twice in one reading (NaN bounds): its change is from its first entry, as it is read.
        if p.touched[i] { old = p.next.numbers.last { $0.index == Int32(i) } }
        p.touched[i] = true
        var entry = WrittenNumber(index: Int32(i), bits: value.bitPattern)
        defer { p.next.numbers.append(entry) }
        if let old, old.bits == entry.bits {
            entry.hasStep = old.hasStep
            entry.step = old.step
            return
        }
        let base = old.map { Double(bitPattern: $0.bits) } ?? 0
        if ReadingCodec.isSmallIntegral(value) && ReadingCodec.isSmallIntegral(base) {
            emit(i, .integralDelta, fresh: fresh, to: &p.ops)
            let step = Int64(value) - Int64(base)
            p.ops.signed(step &- (old.flatMap { $0.hasStep ? $0.step : nil } ?? 0))
            entry.hasStep = true
            entry.step = step
        } else {
            emit(i, .rawDouble, fresh: fresh, to: &p.ops)
            p.ops.double(value)
        }
        p.opCount += 1
    }

    /// A reading's next text, written when it changed.
    private mutating func text(_ key: Key, _ text: String, _ p: inout Pass) {
        let k = p.next.texts.count
        let i: Int
        let fresh: Key?
        var old: String?
        if k < p.previous.texts.count, keyList[p.previous.texts[k].index] == key {
            (i, fresh) = (p.previous.texts[k].index, nil)
            old = p.previous.texts[k].text
        } else {
            (i, fresh) = index(key, touched: &p.touched)
            old = p.previous.texts.first { $0.index == i }?.text
        }
        if p.touched[i] { old = p.next.texts.last { $0.index == i }?.text }
        p.touched[i] = true
        p.next.texts.append(WrittenText(index: i, text: text))
        if old == text { return }
        emit(i, .text, fresh: fresh, to: &p.ops)
        p.ops.string(text)
        p.opCount += 1
    }

    /// The index of `key` in the block's table, defined when new (fresh: its name follows its first use).
    private mutating func index(_ key: Key, touched: inout [Bool]) -> (Int, fresh: Key?) {
        if let known = keys[key] { return (known, nil) }
        let i = keyList.count
        keys[key] = i
        keyList.append(key)
        touched.append(false)
        return (i, key)
    }

    /// An operation on key `i`; a key's name follows its first use in the block (the reader appends it to its
    /// table there).
    private func emit(_ i: Int, _ op: Op, fresh: Key?, to ops: inout ByteSink) {
        ops.varint(UInt64(i) << 2 | op.rawValue)
        if let fresh { ops.string(fresh.name) }
    }

    // MARK: Reading

    mutating func read(stream: String, from source: inout ByteSource) throws(RecordingError) -> Reading {
        var values = streams.removeValue(forKey: stream) ?? StreamValues()
        values.fit(meanings.count)
        let n = try source.count(max: 1 << 20)
        for _ in 0..<n {
            let word = try source.varint()
            guard let op = Op(rawValue: word & 3) else { throw .corrupt("an unknown reading operation") }
            let i64 = word >> 2
            guard i64 <= UInt64(meanings.count) else { throw .corrupt("a key index \(i64) before its definition") }
            let i = Int(i64)
            if i == meanings.count {
                meanings.append(Key(name: try source.string()))
                values.fit(meanings.count)
            }
            switch op {
            case .integralDelta:
                let base = values.numbers[i] ?? 0
                guard ReadingCodec.isSmallIntegral(base) else { throw .corrupt("a difference from a fraction") }
                let step = (values.steps[i] ?? 0) &+ (try source.signed())
                values.steps[i] = step
                values.numbers[i] = Double(Int64(base) &+ step)
                values.texts[i] = nil
            case .rawDouble:
                values.numbers[i] = try source.double()
                values.texts[i] = nil
                values.steps[i] = nil
            case .removed:
                values.clear(i)
            case .text:
                values.texts[i] = try source.string()
                values.numbers[i] = nil
                values.steps[i] = nil
            }
        }
        let reading = ReadingCodec.unflatten(
            zip(meanings, values.numbers).lazy.compactMap { key, v in v.map { (key, $0) } },
            texts: zip(meanings, values.texts).lazy.compactMap { key, v in v.map { (key, $0) } })
        streams[stream] = values
        return reading
    }

    // MARK: Flattening

    /// A whole number of magnitude under 9e15 (so its differences are exact in an Int64). Tested by converting,
    /// not by rounding: `rounded()` was a call into libm for every number written.
    static func isSmallIntegral(_ v: Double) -> Bool {
        abs(v) < 9.0e15 && Double(Int64(v)) == v
    }

    /// The single numbers of a reading: each one's name, how it is read (a closure: read through their key paths,
    /// they took about a quarter of writing a reading) and its key path to set it.
    nonisolated(unsafe) static let scalars: [(String, (Reading) -> Double?, WritableKeyPath<Reading, Double?>)] = [
        ("goroutines", { $0.goroutines }, \.goroutines), ("threads", { $0.threads }, \.threads),
        ("memory", { $0.memory }, \.memory), ("heap", { $0.heap }, \.heap),
        ("memory_limit", { $0.memoryLimit }, \.memoryLimit), ("inflight", { $0.inflight }, \.inflight),
        ("workers_busy", { $0.workersBusy }, \.workersBusy), ("workers_max", { $0.workersMax }, \.workersMax),
        ("queue_depth", { $0.queueDepth }, \.queueDepth),
        ("queue_capacity", { $0.queueCapacity }, \.queueCapacity),
        ("rejected", { $0.rejectedTotal }, \.rejectedTotal), ("db_in_use", { $0.dbInUse }, \.dbInUse),
        ("db_max_open", { $0.dbMaxOpen }, \.dbMaxOpen), ("db_wait_count", { $0.dbWaitCount }, \.dbWaitCount),
        ("db_wait_duration", { $0.dbWaitDuration }, \.dbWaitDuration), ("gc_count", { $0.gcCount }, \.gcCount),
        ("start_time", { $0.startTime }, \.startTime), ("draining", { $0.drainingGauge }, \.drainingGauge),
        ("ready", { $0.readyGauge }, \.readyGauge), ("go_soft_limit", { $0.goSoftLimit }, \.goSoftLimit),
    ]

    static let separator: Character = "\u{1}"
    static let scalarIndex = Dictionary(uniqueKeysWithValues: scalars.enumerated().map { ($1.0, $0) })

    /// A bucket bound or quantile as a key: equal when the bits are (a NaN bound is one key, not a new one each time).
    struct Bound: Hashable {
        var value: Double
        init(_ value: Double) { self.value = value }
        static func == (a: Bound, b: Bound) -> Bool { a.value.bitPattern == b.value.bitPattern }
        func hash(into hasher: inout Hasher) { hasher.combine(value.bitPattern) }
    }

    /// What a flattened entry holds. Its name in the file is written once per block; a reader parses the name back
    /// once, when the block defines it, not at every reading.
    enum Key: Hashable {
        /// `goroutines`, `memory`, …: an index into `scalars`.
        case scalar(Int)
        /// `gp:<q>`: a GC pause quantile.
        case gcPause(Bound)
        /// `H`: a histogram is present; `Hd`: its totals are the handlers' sums; `hc`, `he`: its totals.
        case histogram, derivedTotals, count, errors
        /// `b:<le>`: a cumulative bucket of the totals.
        case bucket(Bound)
        /// `hk:<handler>`: that handler's buckets are written as the steps between bounds.
        case handlerSteps(String)
        /// `hb:<handler>\u{1}<le>`: a handler's bucket.
        case handlerBucket(String, Bound)
        /// `hn:<handler>`, `hx:<handler>`: a handler's request and 5xx counts.
        case handlerCount(String), handlerErrors(String)
        /// `S`: a latency summary is present; `s:<q>`: one of its quantiles.
        case summary
        case quantile(Bound)
        /// `src:<signal>`: the metric that fed a signal (a text).
        case source(Signal)
        /// A name this version does not know (a newer writer's): kept in the table, ignored.
        case unknown(String)

        var name: String {
            switch self {
            case .scalar(let i): return ReadingCodec.scalars[i].0
            case .gcPause(let q): return "gp:\(q.value)"
            case .histogram: return "H"
            case .derivedTotals: return "Hd"
            case .count: return "hc"
            case .errors: return "he"
            case .bucket(let le): return "b:\(le.value)"
            case .handlerSteps(let handler): return "hk:\(handler)"
            case .handlerBucket(let handler, let le): return "hb:\(handler)\(ReadingCodec.separator)\(le.value)"
            case .handlerCount(let handler): return "hn:\(handler)"
            case .handlerErrors(let handler): return "hx:\(handler)"
            case .summary: return "S"
            case .quantile(let q): return "s:\(q.value)"
            case .source(let signal): return "src:\(signal.rawValue)"
            case .unknown(let name): return name
            }
        }

        init(name: String) {
            if let i = ReadingCodec.scalarIndex[name] {
                self = .scalar(i)
                return
            }
            switch name {
            case "H": self = .histogram
            case "Hd": self = .derivedTotals
            case "hc": self = .count
            case "he": self = .errors
            case "S": self = .summary
            default:
                guard let colon = name.firstIndex(of: ":") else {
                    self = .unknown(name)
                    return
                }
                let rest = String(name[name.index(after: colon)...])
                let number = Double(rest).map(Bound.init)
                switch (name[..<colon], number) {
                case ("gp", let q?): self = .gcPause(q)
                case ("s", let q?): self = .quantile(q)
                case ("b", let le?): self = .bucket(le)
                case ("hk", _): self = .handlerSteps(rest)
                case ("hn", _): self = .handlerCount(rest)
                case ("hx", _): self = .handlerErrors(rest)
                case ("src", _): self = Signal(rawValue: rest).map(Key.source) ?? .unknown(name)
                case ("hb", _):
                    let parts = rest.split(separator: ReadingCodec.separator, omittingEmptySubsequences: false)
                    if parts.count == 2, let le = Double(parts[1]) {
                        self = .handlerBucket(String(parts[0]), Bound(le))
                    } else {
                        self = .unknown(name)
                    }
                default: self = .unknown(name)
                }
            }
        }
    }

    /// Calls `number` and `text` for each entry of `r`, in an order that depends only on the reading's shape
    /// (dictionaries are walked by sorted key), so the next reading of the same shape comes in the same order.
    static func flatten(
        _ r: Reading, number: (Key, Double) -> Void, text: (Key, String) -> Void
    ) {
        for (i, (_, read, _)) in scalars.enumerated() { if let v = read(r) { number(.scalar(i), v) } }
        for (q, v) in r.gcPauses.sorted(by: { $0.key < $1.key }) { number(.gcPause(Bound(q)), v) }
        if let h = r.histogram {
            number(.histogram, 1)
            // The totals are the handlers' sums when every series has a handler: then only the handlers are
            // written. Whole-number cumulative buckets are written per bucket (a request changes one, not all
            // above it).
            let derived = derivedTotals(h)
            // Ascending, NaN last (a total order, so "already in order" means one thing).
            let bounds = inOrder(h.bounds.indices) {
                h.bounds[$0] < h.bounds[$1] || (!h.bounds[$0].isNaN && h.bounds[$1].isNaN)
            }
            if derived {
                number(.derivedTotals, 1)
            } else {
                number(.count, h.count)
                number(.errors, h.errorCount)
                for i in bounds where !h.totals[i].isNaN { number(.bucket(Bound(h.bounds[i])), h.totals[i]) }
            }
            let handlers = inOrder(h.handlers.indices) { h.handlers[$0] < h.handlers[$1] }
            for k in handlers where h.hasBuckets[k] {
                let handler = h.handlers[k]
                // The handler's buckets are the bounds where its row has a count.
                let steps = bounds.allSatisfy { i in
                    let v = h.handlerBucket(k, i)
                    return v.isNaN || isSmallIntegral(v)
                }
                if steps { number(.handlerSteps(handler), 1) }
                var previous = 0.0
                for i in bounds {
                    let v = h.handlerBucket(k, i)
                    guard !v.isNaN else { continue }
                    number(.handlerBucket(handler, Bound(h.bounds[i])), steps ? v - previous : v)
                    previous = v
                }
            }
            for k in handlers {
                guard let entry = h.handlerCounts[k] else { continue }
                number(.handlerCount(h.handlers[k]), entry.count)
                number(.handlerErrors(h.handlers[k]), entry.errors)
            }
        }
        if let s = r.latencySummary {
            number(.summary, 1)
            for (q, v) in s.sorted(by: { $0.key < $1.key }) { number(.quantile(Bound(q)), v) }
        }
        if !r.sources.isEmpty {
            for signal in Signal.allCases { if let name = r.sources[signal] { text(.source(signal), name) } }
        }
    }

    /// The positions of `indices` in the order `precedes` gives: as they are when they already are (a target's
    /// bounds and handlers usually come in order), without sorting.
    static func inOrder(_ indices: Range<Int>, by precedes: (Int, Int) -> Bool) -> [Int] {
        let ordered = zip(indices, indices.dropFirst()).allSatisfy { !precedes($1, $0) }
        return ordered ? Array(indices) : indices.sorted(by: precedes)
    }

    /// Whether the totals are exactly the sums of the handlers' whole-number counts (so they need not be written).
    /// Summed bound by bound in place, without gathering the sums first.
    static func derivedTotals(_ h: HistogramReading) -> Bool {
        var bucketed = 0
        var counted = 0
        var count = 0.0
        var errors = 0.0
        for k in h.handlers.indices {
            if h.hasBuckets[k] { bucketed += 1 }
            guard let entry = h.handlerCounts[k] else { continue }
            counted += 1
            count += entry.count
            errors += entry.errors
        }
        guard bucketed > 0, counted == bucketed, count == h.count, errors == h.errorCount,
            !h.bounds.contains(where: \.isNaN)
        else { return false }
        for i in h.bounds.indices {
            var sum = Double.nan
            for k in h.handlers.indices where h.hasBuckets[k] {
                let v = h.handlerBucket(k, i)
                guard !v.isNaN else { continue }
                guard isSmallIntegral(v) else { return false }
                sum = sum.isNaN ? v : sum + v
            }
            let total = h.totals[i]
            guard sum == total || (sum.isNaN && total.isNaN) else { return false }
        }
        return true
    }

    static func unflatten(
        _ numbers: some Sequence<(Key, Double)>, texts: some Sequence<(Key, String)>
    ) -> Reading {
        var r = Reading()
        var buckets: [Double: Double] = [:]
        var count = 0.0
        var errors = 0.0
        var countByHandler: [String: (count: Double, errors: Double)] = [:]
        var hasHistogram = false
        var isDerived = false
        var stepped: Set<String> = []
        var summary: [Double: Double] = [:]
        var hasSummary = false
        // A handler's buckets come one after the other (they were defined together): gathered in a run, each
        // handler's dictionary is built once, at its size.
        var handlerBuckets: [String: [(Double, Double)]] = [:]
        var runHandler: String?
        var run: [(Double, Double)] = []
        func endRun() {
            if let handler = runHandler { handlerBuckets[handler, default: []].append(contentsOf: run) }
            run.removeAll(keepingCapacity: true)
        }
        for (key, v) in numbers {
            switch key {
            case .scalar(let i): r[keyPath: scalars[i].2] = v
            case .gcPause(let q): r.gcPauses[q.value] = v
            case .histogram: hasHistogram = true
            case .derivedTotals: isDerived = true
            case .count: count = v
            case .errors: errors = v
            case .bucket(let le): buckets[le.value] = v
            case .handlerSteps(let handler): stepped.insert(handler)
            case .handlerBucket(let handler, let le):
                if handler != runHandler {
                    endRun()
                    runHandler = handler
                }
                run.append((le.value, v))
            case .handlerCount(let handler): countByHandler[handler, default: (0, 0)].count = v
            case .handlerErrors(let handler): countByHandler[handler, default: (0, 0)].errors = v
            case .summary: hasSummary = true
            case .quantile(let q): summary[q.value] = v
            case .source, .unknown: break
            }
        }
        endRun()
        if hasHistogram {
            var bucketsByHandler: [String: [Double: Double]] = [:]
            bucketsByHandler.reserveCapacity(handlerBuckets.count)
            var sums: [Double: Double] = [:]
            for (handler, var pairs) in handlerBuckets {
                if !pairs.indices.dropFirst().allSatisfy({ pairs[$0 - 1].0 < pairs[$0].0 }) {
                    pairs.sort { $0.0 < $1.0 }
                }
                if stepped.contains(handler) {
                    var total = 0.0
                    for i in pairs.indices {
                        total += pairs[i].1
                        pairs[i].1 = total
                    }
                }
                var row: [Double: Double] = [:]
                row.reserveCapacity(pairs.count)
                for (le, v) in pairs {
                    row[le] = v
                    if isDerived { sums[le, default: 0] += v }
                }
                bucketsByHandler[handler] = row
            }
            if isDerived {
                buckets = sums
                count = countByHandler.values.reduce(0) { $0 + $1.count }
                errors = countByHandler.values.reduce(0) { $0 + $1.errors }
            }
            r.histogram = HistogramReading(
                buckets: buckets, bucketsByHandler: bucketsByHandler, count: count, errorCount: errors,
                countByHandler: countByHandler)
        }
        if hasSummary { r.latencySummary = summary }
        for (key, name) in texts {
            if case .source(let signal) = key { r.sources[signal] = name }
        }
        return r
    }
}
