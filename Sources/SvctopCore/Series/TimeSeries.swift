/// A fixed-capacity series of (time, value) points, oldest dropped first.
///
/// Points are encoded as they arrive into a compact byte form (times as millisecond deltas of deltas, values as the
/// XOR with the previous value, trimmed of its zero bytes, as Gorilla-style time-series stores do), 128 to a chunk;
/// a full chunk is sealed (kept at its exact size) and the next one begun. A 1 s series costs about 2 to 6 bytes a
/// point instead of 16: one hour is 3,600 points, 7 to 20 KiB a series. Copies of a series (a replay's
/// checkpoints) share every sealed chunk. Times are kept to the millisecond (rounded when appended); values
/// exactly, except in a series made with `significantBits` (values derived from others, such as quantiles and
/// ratios, that change in every bit at every scrape): its points keep that many bits of mantissa, rounded to
/// nearest (16 bits: about 4.4 bytes a point instead of 10; 12 bits, which end on a byte: about 3.4). The
/// newest point is always exact.
///
/// A series made with `thinned` keeps only its newest `capacity` points at full resolution, and older history as
/// one point for every `every` readings (their largest value, at the last one's time), as long-term stores
/// downsample: an hour of 1 s readings then costs 600 full points and 360 thinned ones instead of 3,600. Reading by
/// time (`points(since:)`, `points`, `first`) sees both; reading by position (`count`, the subscript, `forEach`,
/// `lastValues`, `firstIndex`) sees the full-resolution points alone.
public struct TimeSeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var time: Double
        public var value: Double
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// Points per chunk (a power of two: positions split by shift and mask).
    static let chunkShift = 7
    static let chunkSize = 1 << chunkShift
    /// The most bytes a point can take (a 10-byte varint of time, a header and 8 bytes of value), and how much room
    /// the open chunk adds when it has less than that left.
    static let largestPoint = 19
    static let headGrowth = 64

    /// A full chunk in its compact form, with what finding a time in it needs.
    struct Sealed: Sendable {
        let bytes: [UInt8]
        let firstTime: Double
        let last: Point
    }

    /// The chunk being written: its points encoded as they arrive, fewer than a chunk.
    struct Head: Sendable {
        var bytes: [UInt8] = []
        var count = 0
        var encoder = Encoder()
        var firstTime = 0.0
        /// The newest point as appended (its value exact, not rounded).
        var last = Point(time: 0, value: 0)
    }

    private var sealed: [Sealed] = []
    private var head = Head()
    /// Points of the oldest chunk (the first sealed one, or the head when none is) already dropped.
    private var offset = 0
    public private(set) var count = 0
    /// Full-resolution points appended since the series was made or last emptied: the newest one's sequence number
    /// is `appended - 1`, and chunk k holds sequence numbers 128k to 128k + 127.
    private(set) var appended = 0
    /// Changes whenever the points held are replaced rather than appended to (`removeAll`, `backfill`).
    private(set) var generation = 0
    public let capacity: Int
    /// Bits of mantissa the sealed points keep (1 to 52), or nil for all of them.
    public let significantBits: Int?
    /// How older history is kept: one point for every `every` readings, `capacity` of them.
    public struct Thinning: Sendable, Equatable {
        public var every: Int
        public var capacity: Int
        public init(every: Int, capacity: Int) {
            self.every = every
            self.capacity = capacity
        }
    }
    public let thinning: Thinning?
    /// The thinned history (none, or one series).
    private var thinned: [TimeSeries] = []
    /// The readings since the last thinned point: how many, their largest value and the last one's time.
    private var pending = (count: 0, largest: Double.nan, time: 0.0)

    /// - Parameter significantBits: keep only this many bits of mantissa in sealed points (16: a relative error
    ///   under 8e-6), for series whose values are derived and only charted.
    /// - Parameter thinned: keep history older than the `capacity` newest points as one point for every
    ///   `every` readings.
    public init(capacity: Int, significantBits: Int? = nil, thinned: Thinning? = nil) {
        precondition(capacity > 0, "a time series needs room for at least one point")
        precondition(significantBits.map { (1...52).contains($0) } ?? true, "1 to 52 bits of mantissa")
        precondition(thinned.map { $0.every > 1 && $0.capacity > 0 } ?? true, "thinning keeps one point of several")
        self.capacity = capacity
        self.significantBits = significantBits
        self.thinning = thinned
        if let thinned {
            self.thinned = [TimeSeries(capacity: thinned.capacity, significantBits: significantBits)]
        }
    }

    /// `value` with `bits` bits of mantissa, rounded to nearest (ties away from zero); NaN, infinities and values
    /// that would round to infinity unchanged.
    static func rounded(_ value: Double, keeping bits: Int) -> Double {
        guard value.isFinite, bits < 52 else { return value }
        let dropped = UInt64(52 - bits)
        let half: UInt64 = 1 << (dropped - 1)
        let mask: UInt64 = ~((1 << dropped) - 1)
        let result = Double(bitPattern: (value.bitPattern &+ half) & mask)
        return result.isFinite ? result : value
    }

    public var isEmpty: Bool { count == 0 }

    /// A time as the whole milliseconds the series keeps.
    static func milliseconds(_ time: Double) -> Int64 {
        guard time.isFinite else { return 0 }
        return Int64(max(-9.0e15, min(9.0e15, (time * 1000).rounded())))
    }

    /// Appends a point (its time rounded to the millisecond), dropping the oldest when full. O(1), plus the
    /// sealing of a chunk every 128 points.
    public mutating func append(time: Double, value: Double) {
        if let thinning {
            pending.count += 1
            pending.time = time
            pending.largest = Self.larger(pending.largest, value)
            if pending.count == thinning.every {
                thinned[0].append(time: pending.time, value: pending.largest)
                pending = (0, .nan, 0)
            }
        }
        appendFull(time: time, value: value)
    }

    /// The larger of two values, a number over NaN (a chart's bucket shows its maximum too).
    static func larger(_ a: Double, _ b: Double) -> Double { a.isNaN || b > a ? b : a }

    /// Appends a point at full resolution only.
    private mutating func appendFull(time: Double, value: Double) {
        let ms = Self.milliseconds(time)
        let point = Point(time: Double(ms) / 1000, value: value)
        let kept = significantBits.map { Self.rounded(value, keeping: $0) } ?? value
        if head.count == 0 { head.firstTime = point.time }
        if head.bytes.capacity - head.bytes.count < Self.largestPoint {
            // The open chunk grows a little at a time, not by doubling: a thousand instances' heads fill in step,
            // and doubling left them all up to half empty at once (about 4 KiB an instance, 20 heads).
            head.bytes.reserveCapacity(head.bytes.count + Self.headGrowth)
        }
        head.encoder.append(ms: ms, bits: kept.bitPattern, to: &head.bytes)
        head.count += 1
        head.last = point
        count += 1
        appended += 1
        if head.count == Self.chunkSize {
            // Exactly the bytes written: the head's array has room to spare that the chunk would keep for its life.
            sealed.append(
                Sealed(
                    bytes: Self.exactCopy(head.bytes), firstTime: head.firstTime,
                    last: Point(time: point.time, value: kept)))
            head = Head()
        }
        if count > capacity {
            count -= 1
            offset += 1
            if !sealed.isEmpty && offset == Self.chunkSize {
                sealed.removeFirst()
                offset = 0
            }
        }
    }

    /// The head's points, oldest first (the newest exact).
    private var headPoints: [Point] {
        guard head.count > 0 else { return [] }
        var points = Self.decode(head.bytes)
        points[points.count - 1] = head.last
        return points
    }

    /// Where the head's points start to count: past those dropped, when the head is the oldest chunk.
    private var headStart: Int { sealed.isEmpty ? offset : 0 }

    /// The point at logical position `i` (0 is the oldest). Decodes a chunk: use `points(since:)` or `forEach` to
    /// read many.
    public subscript(i: Int) -> Point {
        let j = offset + i
        let chunk = j >> Self.chunkShift
        if chunk < sealed.count { return Self.decode(sealed[chunk].bytes)[j & (Self.chunkSize - 1)] }
        let k = j - sealed.count * Self.chunkSize
        return k == head.count - 1 ? head.last : Self.decode(head.bytes)[k]
    }

    public var last: Point? {
        guard count > 0 else { return nil }
        return head.count > 0 ? head.last : sealed.last?.last
    }

    /// The oldest point held, thinned or not.
    public var first: Point? {
        if let older = thinned.first?.first, count == 0 || older.time < self[0].time { return older }
        return count == 0 ? nil : self[0]
    }

    public static func == (a: TimeSeries, b: TimeSeries) -> Bool {
        a.capacity == b.capacity && a.thinning == b.thinning && a.count == b.count && a.points == b.points
    }

    /// Calls `body` with every point from logical position `start` on, oldest first, decoding each sealed chunk
    /// once.
    public func forEach(from start: Int = 0, _ body: (Point) -> Void) {
        guard start < count else { return }
        var j = offset + max(0, start)
        while j >> Self.chunkShift < sealed.count {
            let chunk = j >> Self.chunkShift
            let points = Self.decode(sealed[chunk].bytes)
            for k in (j & (Self.chunkSize - 1))..<points.count { body(points[k]) }
            j = (chunk + 1) << Self.chunkShift
        }
        let points = headPoints
        for k in (j - sealed.count * Self.chunkSize)..<points.count { body(points[k]) }
    }

    /// The points with `time >= since`, oldest first: each sealed chunk that holds some decoded once. O(k) in
    /// the points returned plus finding the chunk. Thinned points come first, those older than every
    /// full-resolution point.
    public func points(since: Double) -> [Point] {
        guard let older = thinned.first, !older.isEmpty else { return fullPoints(since: since) }
        // Most windows start well inside the full-resolution points: known without decoding a chunk.
        if let chunk = sealed.first, since >= chunk.last.time { return fullPoints(since: since) }
        let cutoff = count == 0 ? Double.infinity : self[0].time
        guard since < cutoff else { return fullPoints(since: since) }
        return Array(older.points(since: since).prefix { $0.time < cutoff }) + fullPoints(since: since)
    }

    /// The full-resolution points with `time >= since`.
    private func fullPoints(since: Double) -> [Point] {
        var out: [Point] = []
        var found = false
        for (k, chunk) in sealed.enumerated() where found || chunk.last.time >= since {
            let points = Self.decode(chunk.bytes)
            var from = k == 0 ? offset : 0
            if !found {
                from = Self.firstIndex(points, from: from, atOrAfter: since)
                out.reserveCapacity((sealed.count - k) * Self.chunkSize + head.count - from)
                found = true
            }
            out.append(contentsOf: points[from...])
        }
        let points = headPoints
        out.append(contentsOf: points[(found ? 0 : Self.firstIndex(points, from: headStart, atOrAfter: since))...])
        return out
    }

    /// All points, oldest first.
    public var points: [Point] { points(since: -.infinity) }

    /// The last `n` values, oldest first (for sparklines).
    public func lastValues(_ n: Int) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(min(n, count))
        forEach(from: max(0, count - n)) { out.append($0.value) }
        return out
    }

    /// Index of the first point with `time >= t` (times are non-decreasing): the sealed chunk by its first and
    /// last times, then a search in that chunk alone.
    public func firstIndex(atOrAfter t: Double) -> Int {
        guard count > 0 else { return 0 }
        for (k, chunk) in sealed.enumerated() where chunk.last.time >= t {
            let skip = k == 0 ? offset : 0
            let base = k * Self.chunkSize - offset
            if chunk.firstTime >= t { return base + skip }
            let points = Self.decode(chunk.bytes)
            let inChunk = Self.firstIndex(points, from: skip, atOrAfter: t)
            return base + inChunk
        }
        return sealed.count * Self.chunkSize - offset + Self.firstIndex(headPoints, from: headStart, atOrAfter: t)
    }

    static func firstIndex(_ points: [Point], from start: Int, atOrAfter t: Double) -> Int {
        var lo = start
        var hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].time < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Puts `older` points (oldest first) before the ones held: those from before the first held point are kept,
    /// and the oldest go when the whole does not fit. For history a source had before svctop started.
    /// In a thinned series the points from before go into the thinned history too, before the thinned points
    /// held.
    public mutating func backfill(_ older: [Point]) {
        let held = fullPoints(since: -.infinity)
        let heldThinned = thinned.first?.points ?? []
        let cutoff = (heldThinned.first ?? held.first)?.time ?? .infinity
        let before = older.filter { $0.time < cutoff }
        let pending = self.pending
        removeAll()
        self.pending = pending
        for p in (before + held).suffix(capacity) { appendFull(time: p.time, value: p.value) }
        guard let thinning else { return }
        var groups: [Point] = []
        for start in stride(from: 0, to: before.count, by: thinning.every) {
            let group = before[start..<min(start + thinning.every, before.count)]
            let time = before[group.endIndex - 1].time
            groups.append(Point(time: time, value: group.reduce(Double.nan) { Self.larger($0, $1.value) }))
        }
        for p in (groups + heldThinned).suffix(thinning.capacity) { thinned[0].append(time: p.time, value: p.value) }
    }

    /// Removes every point.
    public mutating func removeAll() {
        appended = 0
        generation += 1
        sealed.removeAll()
        head = Head()
        offset = 0
        count = 0
        for k in thinned.indices { thinned[k].removeAll() }
        pending = (0, .nan, 0)
    }

    // MARK: The compact form

    /// Room reserved but unused in the open chunk (for tests).
    var headSpare: Int { head.bytes.capacity - head.bytes.count }

    /// The bytes the sealed chunks take (for tests and benchmarks).
    var sealedBytes: Int { sealed.reduce(0) { $0 + $1.bytes.count } + thinned.reduce(0) { $0 + $1.sealedBytes } }

    /// Writes a chunk's points one at a time. Times: the first in milliseconds, then the first delta, then deltas of
    /// deltas, each a zigzag varint (one byte for a steady interval). Values: the first's bits, then each XOR the
    /// previous as a header byte (leading zero bytes << 4 | trailing zero bytes; 0x80 for an unchanged value) and
    /// the bytes between.
    struct Encoder: Sendable {
        private var started = false
        private var previousTime: Int64 = 0
        private var previousDelta: Int64 = 0
        private var previousBits: UInt64 = 0

        mutating func append(ms: Int64, bits: UInt64, to out: inout [UInt8]) {
            if !started {
                started = true
                LEB128.append(LEB128.zigzag(ms), to: &out)
                for shift in stride(from: 56, through: 0, by: -8) {
                    out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
                }
            } else {
                let delta = ms &- previousTime
                LEB128.append(LEB128.zigzag(delta &- previousDelta), to: &out)
                previousDelta = delta
                let x = bits ^ previousBits
                if x == 0 {
                    out.append(0x80)
                } else {
                    let lead = x.leadingZeroBitCount / 8
                    let trail = x.trailingZeroBitCount / 8
                    out.append(UInt8(lead << 4 | trail))
                    for byte in stride(from: 7 - lead, through: trail, by: -1) {
                        out.append(UInt8(truncatingIfNeeded: x >> UInt64(byte * 8)))
                    }
                }
            }
            previousTime = ms
            previousBits = bits
        }
    }

    /// Reads an `Encoder`'s points one at a time, from the start of a chunk's bytes.
    struct Decoder: Sendable {
        /// Where the next point starts, and how many were read.
        private(set) var at = 0
        private(set) var read = 0
        private var ms: Int64 = 0
        private var delta: Int64 = 0
        private var bits: UInt64 = 0

        /// The next point; call only while `at < b.count`.
        mutating func next(_ b: UnsafeBufferPointer<UInt8>) -> Point {
            if read == 0 {
                ms = LEB128.unzigzag(LEB128.read(b, at: &at))
                bits = 0
                for _ in 0..<8 {
                    bits = bits << 8 | UInt64(b[at])
                    at += 1
                }
            } else {
                delta = delta &+ LEB128.unzigzag(LEB128.read(b, at: &at))
                ms = ms &+ delta
                let header = b[at]
                at += 1
                if header != 0x80 {
                    let lead = Int(header >> 4)
                    let trail = Int(header & 0x0f)
                    var x: UInt64 = 0
                    for _ in 0..<(8 - lead - trail) {
                        x = x << 8 | UInt64(b[at])
                        at += 1
                    }
                    bits ^= x << UInt64(trail * 8)
                }
            }
            read += 1
            return Point(time: Double(ms) / 1000, value: Double(bitPattern: bits))
        }
    }

    /// The points an `Encoder` wrote.
    static func decode(_ bytes: [UInt8]) -> [Point] {
        var points: [Point] = []
        points.reserveCapacity(chunkSize)
        bytes.withUnsafeBufferPointer { b in
            var decoder = Decoder()
            while decoder.at < b.count { points.append(decoder.next(b)) }
        }
        return points
    }

    // MARK: Reading in order, by sequence number

    /// A place in the series from which points are read one after the other without decoding their chunk again
    /// (for windows that slide: `TrendWindow`). Valid for the generation it was made in.
    struct Cursor: Sendable {
        /// The sequence number of the point `read` returns next.
        fileprivate(set) var sequence: Int
        fileprivate var decoder = Decoder()
        fileprivate init(sequence: Int) { self.sequence = sequence }
    }

    /// The sequence number of the oldest full-resolution point held.
    var firstSequence: Int { appended - count }

    /// A cursor at sequence number `sequence` (from `firstSequence` to `appended`), or nil. Decodes its chunk up to
    /// there.
    func cursor(at sequence: Int) -> Cursor? {
        guard sequence >= firstSequence, sequence <= appended else { return nil }
        var cursor = Cursor(sequence: sequence & ~(Self.chunkSize - 1))
        while cursor.sequence < sequence { _ = step(&cursor) }
        return cursor
    }

    /// The point at the cursor, which moves past it; nil when the cursor is at the end, or its point was dropped.
    /// The newest point is the exact one, as `points(since:)` has it.
    func read(_ cursor: inout Cursor) -> Point? {
        guard cursor.sequence >= firstSequence, cursor.sequence < appended else { return nil }
        let newest = cursor.sequence == appended - 1 && head.count > 0
        let point = step(&cursor)
        return newest ? head.last : point
    }

    /// Decodes the point at the cursor (held in a chunk: `cursor.sequence` from the oldest chunk's start to
    /// `appended - 1`) and moves past it.
    private func step(_ cursor: inout Cursor) -> Point {
        // The oldest chunk (sealed or the head) starts `offset` points before the oldest point held.
        let chunk = (cursor.sequence >> Self.chunkShift) - ((firstSequence - offset) >> Self.chunkShift)
        let point = (chunk < sealed.count ? sealed[chunk].bytes : head.bytes).withUnsafeBufferPointer {
            cursor.decoder.next($0)
        }
        cursor.sequence += 1
        if cursor.sequence & (Self.chunkSize - 1) == 0 { cursor.decoder = Decoder() }
        return point
    }

    /// A copy of `bytes` that holds exactly them, without the spare room a growing array keeps.
    static func exactCopy(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }
}
