/// A least-squares line through a window of points.
public struct Trend: Sendable, Equatable {
    /// Change per second.
    public var slope: Double
    /// Coefficient of determination (0...1): how well a straight line explains the points.
    public var fit: Double
    /// The line's value at the time of the last point.
    public var current: Double
    public var pointCount: Int
    /// Seconds between the first and last point.
    public var span: Double

    init(slope: Double, fit: Double, current: Double, pointCount: Int, span: Double) {
        self.slope = slope
        self.fit = fit
        self.current = current
        self.pointCount = pointCount
        self.span = span
    }

    /// Change per minute.
    public var slopePerMinute: Double { slope * 60 }

    /// Fits a line through the points with a value (at least 3, spanning some time); nil otherwise. O(n).
    public static func fit(_ points: [TimeSeries.Point]) -> Trend? {
        guard points.count >= 3, let t0 = points.first?.time, let tn = points.last?.time, tn > t0 else { return nil }
        // Times from the first point and values from the first value: sums of squares of values near 1e8 (bytes)
        // would otherwise lose the spread of the values to rounding.
        let y0 = points.first { $0.value.isFinite }?.value ?? 0
        var sums = Sums()
        for p in points where p.value.isFinite { sums.add(x: p.time - t0, y: p.value - y0) }
        return Trend(sums, pointCount: points.count, span: tn - t0, valueOffset: y0)
    }

    /// The sums a least-squares line is made from, over the points with a value.
    struct Sums: Sendable {
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0

        mutating func add(x: Double, y: Double) {
            n += 1
            sx += x
            sy += y
            sxx += x * x
            sxy += x * y
            syy += y * y
        }

        mutating func remove(x: Double, y: Double) {
            n -= 1
            sx -= x
            sy -= y
            sxx -= x * x
            sxy -= x * y
            syy -= y * y
        }

        /// The same sums with every x moved by `dx` (x + dx), exactly as if they had been added so.
        func shifted(by dx: Double) -> Sums {
            Sums(
                n: n, sx: sx + n * dx, sy: sy, sxx: sxx + 2 * dx * sx + n * dx * dx, sxy: sxy + dx * sy, syy: syy)
        }
    }

    /// The line through `sums` (x: seconds from the first point, `span` the last point's x); nil with fewer than 3
    /// points with a value or no spread in time. `valueOffset` is added back to the line's values (sums of values
    /// taken from a reference keep their precision).
    init?(_ sums: Sums, pointCount: Int, span: Double, valueOffset: Double = 0) {
        let denominator = sums.n * sums.sxx - sums.sx * sums.sx
        guard pointCount >= 3, span > 0, sums.n >= 3, denominator > 0 else { return nil }
        let slope = (sums.n * sums.sxy - sums.sx * sums.sy) / denominator
        let intercept = (sums.sy - slope * sums.sx) / sums.n
        let varianceY = sums.n * sums.syy - sums.sy * sums.sy
        let fit: Double
        if varianceY <= 1e-12 {
            fit = slope == 0 ? 1 : 0
        } else {
            let r = (sums.n * sums.sxy - sums.sx * sums.sy) / (denominator.squareRoot() * varianceY.squareRoot())
            fit = min(1, max(0, r * r))
        }
        self.init(
            slope: slope, fit: fit, current: valueOffset + intercept + slope * span, pointCount: pointCount,
            span: span)
    }

    /// Seconds until the line reaches `threshold` from `value`, when it is rising towards it; nil when it is
    /// not rising, is already past it, or would take longer than `horizon` seconds.
    public func secondsUntil(_ threshold: Double, from value: Double, horizon: Double = 7 * 24 * 3600) -> Double? {
        guard slope > 0, value < threshold else { return nil }
        let seconds = (threshold - value) / slope
        return seconds <= horizon ? seconds : nil
    }
}
