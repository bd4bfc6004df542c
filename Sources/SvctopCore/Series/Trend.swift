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

    /// Change per minute.
    public var slopePerMinute: Double { slope * 60 }

    /// Fits a line through the points with a value (at least 3, spanning some time); nil otherwise. O(n).
    public static func fit(_ points: [TimeSeries.Point]) -> Trend? {
        guard points.count >= 3, let t0 = points.first?.time, let tn = points.last?.time, tn > t0 else { return nil }
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0
        for p in points where p.value.isFinite {
            let x = p.time - t0
            n += 1
            sx += x
            sy += p.value
            sxx += x * x
            sxy += x * p.value
            syy += p.value * p.value
        }
        let denominator = n * sxx - sx * sx
        guard n >= 3, denominator > 0 else { return nil }
        let slope = (n * sxy - sx * sy) / denominator
        let intercept = (sy - slope * sx) / n
        let varianceY = n * syy - sy * sy
        let fit: Double
        if varianceY <= 1e-12 {
            fit = slope == 0 ? 1 : 0
        } else {
            let r = (n * sxy - sx * sy) / (denominator.squareRoot() * varianceY.squareRoot())
            fit = min(1, max(0, r * r))
        }
        return Trend(
            slope: slope, fit: fit, current: intercept + slope * (tn - t0), pointCount: points.count, span: tn - t0)
    }

    /// Seconds until the line reaches `threshold` from `value`, when it is rising towards it; nil when it is
    /// not rising, is already past it, or would take longer than `horizon` seconds.
    public func secondsUntil(_ threshold: Double, from value: Double, horizon: Double = 7 * 24 * 3600) -> Double? {
        guard slope > 0, value < threshold else { return nil }
        let seconds = (threshold - value) / slope
        return seconds <= horizon ? seconds : nil
    }
}
