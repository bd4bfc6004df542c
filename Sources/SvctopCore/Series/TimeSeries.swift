/// A fixed-capacity series of (time, value) points, oldest dropped first.
///
/// Points live in fixed-size chunks; appending writes only the last chunk, so copies of a series (a replay's
/// checkpoints, a state kept for comparison) share every full chunk and differ only in the one being written.
/// Memory: 16 bytes per point, plus at most one chunk; one hour at a 1 s interval is 3,600 points, about 56 KiB
/// per series. Times are seconds on any monotonic clock the caller chooses.
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
    /// Every chunk but the last is full; `offset` points of the first are already dropped.
    private var chunks: [[Point]] = []
    private var offset = 0
    public private(set) var count = 0
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a time series needs room for at least one point")
        self.capacity = capacity
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends a point, dropping the oldest when full. O(1).
    public mutating func append(time: Double, value: Double) {
        let point = Point(time: time, value: value)
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            var chunk: [Point] = []
            chunk.reserveCapacity(min(Self.chunkSize, max(capacity, 8)))
            chunk.append(point)
            chunks.append(chunk)
        } else {
            chunks[chunks.count - 1].append(point)
        }
        count += 1
        if count > capacity {
            count -= 1
            offset += 1
            if offset == Self.chunkSize {
                chunks.removeFirst()
                offset = 0
            }
        }
    }

    /// The point at logical position `i` (0 is the oldest).
    public subscript(i: Int) -> Point {
        let j = offset + i
        return chunks[j >> Self.chunkShift][j & (Self.chunkSize - 1)]
    }

    public var last: Point? { count == 0 ? nil : self[count - 1] }
    public var first: Point? { count == 0 ? nil : self[0] }

    public static func == (a: TimeSeries, b: TimeSeries) -> Bool {
        a.capacity == b.capacity && a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
    }

    /// The points with `time >= since`, oldest first. O(k) in the points returned plus O(log n) to find them.
    public func points(since: Double) -> [Point] {
        let start = firstIndex(atOrAfter: since)
        return (start..<count).map { self[$0] }
    }

    /// All points, oldest first.
    public var points: [Point] { (0..<count).map { self[$0] } }

    /// The last `n` values, oldest first (for sparklines).
    public func lastValues(_ n: Int) -> [Double] {
        let start = max(0, count - n)
        return (start..<count).map { self[$0].value }
    }

    /// Index of the first point with `time >= t` (binary search, times are non-decreasing).
    public func firstIndex(atOrAfter t: Double) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid].time < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Puts `older` points (oldest first) before the ones held: those from before the first held point are kept,
    /// and the oldest go when the whole does not fit. For history a source had before svctop started.
    public mutating func backfill(_ older: [Point]) {
        let held = points
        let cutoff = held.first?.time ?? .infinity
        let merged = older.filter { $0.time < cutoff } + held
        removeAll()
        for p in merged.suffix(capacity) { append(time: p.time, value: p.value) }
    }

    /// Removes every point.
    public mutating func removeAll() {
        chunks.removeAll()
        offset = 0
        count = 0
    }
}
