/// A fixed-capacity ring buffer of (time, value) points, oldest dropped first.
///
/// Memory: 16 bytes per point, allocated once (`capacity` points); one hour at a 1 s interval is 3,600 points,
/// about 56 KiB per series. Times are seconds on any monotonic clock the caller chooses.
public struct TimeSeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var time: Double
        public var value: Double
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    private var storage: [Point] = []
    private var head = 0
    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a time series needs room for at least one point")
        self.capacity = capacity
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Appends a point, dropping the oldest when full. O(1).
    public mutating func append(time: Double, value: Double) {
        let point = Point(time: time, value: value)
        if storage.count < capacity {
            if storage.isEmpty { storage.reserveCapacity(min(capacity, 64)) }
            storage.append(point)
        } else {
            storage[head] = point
            head = (head + 1) % capacity
        }
    }

    /// The point at logical position `i` (0 is the oldest).
    public subscript(i: Int) -> Point {
        storage[(head + i) % storage.count]
    }

    public var last: Point? { storage.isEmpty ? nil : self[storage.count - 1] }
    public var first: Point? { storage.isEmpty ? nil : self[0] }

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
        storage.removeAll(keepingCapacity: true)
        head = 0
    }
}
