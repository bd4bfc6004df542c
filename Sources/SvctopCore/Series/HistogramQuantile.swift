/// PromQL's `histogram_quantile` over classic (cumulative `le`) buckets.
public enum HistogramQuantile {
    /// The `q` quantile of the buckets, with PromQL's semantics:
    /// - q < 0 gives -Inf and q > 1 gives +Inf; NaN q gives NaN.
    /// - Buckets are sorted by upper bound; a `+Inf` bucket is required (nil without it).
    /// - No observations (the `+Inf` count is 0) gives nil.
    /// - Counts that are not monotonic are fixed the way Prometheus fixes them (carried forward as a maximum).
    /// - The rank falls in a bucket: linear interpolation between its lower and upper bound, where the lowest
    ///   bucket's lower bound is 0 (if its upper bound is positive); a rank in the `+Inf` bucket gives the highest
    ///   finite upper bound.
    public static func quantile(_ q: Double, buckets input: [Bucket]) -> Double? {
        quantiles([q], buckets: input)[0]
    }

    /// `quantile` for each of `qs`, the buckets sorted and fixed once.
    public static func quantiles(_ qs: [Double], buckets input: [Bucket]) -> [Double?] {
        var buckets = input.filter { !$0.upperBound.isNaN }
        if !buckets.indices.dropFirst().allSatisfy({ buckets[$0 - 1].upperBound <= buckets[$0].upperBound }) {
            buckets.sort { $0.upperBound < $1.upperBound }
        }
        guard let last = buckets.last, last.upperBound == .infinity, buckets.count >= 2 else {
            return qs.map { q in q.isNaN ? .nan : q < 0 ? -.infinity : q > 1 ? .infinity : nil }
        }
        // Coalesce duplicate bounds (the same `le` from several series is summed before calling this, but a
        // caller may pass raw buckets).
        var merged: [Bucket] = []
        merged.reserveCapacity(buckets.count)
        for b in buckets {
            if let l = merged.last, l.upperBound == b.upperBound {
                merged[merged.count - 1].count += b.count
            } else {
                merged.append(b)
            }
        }
        buckets = merged
        var running = 0.0
        for i in buckets.indices {
            running = max(running, buckets[i].count)
            buckets[i].count = running
        }
        return qs.map { q in quantile(q, sorted: buckets) }
    }

    /// The `q` quantile of buckets sorted by bound, at least two, the last `+Inf`, counts non-decreasing.
    private static func quantile(_ q: Double, sorted buckets: [Bucket]) -> Double? {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let total = buckets[buckets.count - 1].count
        guard total > 0 else { return nil }
        let rank = q * total
        var b = 0
        while b < buckets.count - 1 && buckets[b].count < rank { b += 1 }
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var lower = 0.0
        var countBelow = 0.0
        if b > 0 {
            lower = buckets[b - 1].upperBound
            countBelow = buckets[b - 1].count
        }
        let upper = buckets[b].upperBound
        let inBucket = buckets[b].count - countBelow
        if inBucket == 0 { return upper }
        return lower + (upper - lower) * ((rank - countBelow) / inBucket)
    }
}
