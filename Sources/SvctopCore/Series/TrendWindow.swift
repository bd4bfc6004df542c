/// The least-squares line through the trailing window of a series (`Trend.fit` of `points(since:)`), kept up to
/// date as points arrive and leave instead of decoding the whole window at every scrape: a point is read once when
/// it enters and once when it leaves (each through a cursor that moves along the compact chunks).
///
/// Sums kept by adding and subtracting carry rounding that a fit of the window would not have. Three rules keep the
/// line the same as `Trend.fit`'s to within rounding of the window's own spread:
/// - a window whose values are all equal (goroutines that do not change, the usual case) is recognised exactly, by
///   the run of equal values at its end, and its value sums are set to the exact zeros of a flat line;
/// - the sums are made afresh from the window every 128 departures, from a reference inside it;
/// - and at once when the values left in the window spread far less than the largest values the sums have held
///   (after a jump leaves the window, say), because subtracting those lost the spread to rounding.
///
/// At 1,000 targets the trend windows decoded about 600 points an instance a second; a profile of the dashboard
/// had them at 7 % of its time.
public struct TrendWindow: Sendable {
    /// The series generation the sums belong to (-1: none yet).
    private var generation = -1
    private var since = -Double.infinity
    /// The oldest point in the window, and the next point to enter.
    private var leaving: TimeSeries.Cursor?
    private var entering: TimeSeries.Cursor?
    private var first: TimeSeries.Point?
    private var last: TimeSeries.Point?
    private var count = 0
    /// Sums of (time − reference time, value − reference value) over the points with a value.
    private var sums = Trend.Sums()
    private var reference = (time: 0.0, value: 0.0)
    private var departures = 0
    /// The last value in the window and how many of the values at the window's end equal it.
    private var lastValue = Double.nan
    private var equalRun = 0
    /// The largest sum of squared values the sums have held since they were made afresh.
    private var magnitude = 0.0

    /// Points that may leave before the sums are made afresh.
    static let refreshEvery = 128
    /// How much larger than the window's spread (n·Σy² − (Σy)²) the largest sums held (n·Σy²) may be before the
    /// sums are made afresh: each addition or subtraction rounds by about 1e-16 of that, so at most a few hundred of
    /// them leave the spread good to about 1e-8.
    static let lostDigits = 1e6

    public init() {}

    /// The line through the points of `series` at or after `since` and the first of them: what `Trend.fit` and
    /// `points(since:).first` give, to within rounding.
    public mutating func update(_ series: TimeSeries, since: Double) -> (trend: Trend?, first: TimeSeries.Point?) {
        let followed =
            series.generation == generation && since >= self.since && departures < Self.refreshEvery
            && advance(series, since: since)
        if !followed || lostSpread { rebuild(series, since: since) }
        self.since = since
        if sums.n > 0 && Double(equalRun) >= sums.n {
            // Every value in the window is `lastValue`: the exact sums of a flat line from it.
            reference.value = lastValue
            (sums.sy, sums.sxy, sums.syy, magnitude) = (0, 0, 0, 0)
        }
        guard let first, let last else { return (nil, nil) }
        guard count >= 3, last.time > first.time else { return (nil, first) }
        let trend = Trend(
            sums.shifted(by: reference.time - first.time), pointCount: count, span: last.time - first.time,
            valueOffset: reference.value)
        return (trend, first)
    }

    /// Whether the values left spread so much less than the largest the sums have held that rounding may have
    /// taken the spread. A window whose values are all equal is not (its sums are set exactly).
    private var lostSpread: Bool {
        sums.n * magnitude > Self.lostDigits * (sums.n * sums.syy - sums.sy * sums.sy) && Double(equalRun) < sums.n
    }

    /// Adds the points that arrived and removes those that left; false when the cursors cannot follow (points
    /// dropped, or history older than the full-resolution points).
    private mutating func advance(_ series: TimeSeries, since: Double) -> Bool {
        guard var entering, var leaving else { return false }
        while let p = series.read(&entering) {
            add(p)
            last = p
        }
        guard entering.sequence == series.appended else { return false }
        while leaving.sequence < series.appended {
            var next = leaving
            guard let p = series.read(&next) else { return false }
            if p.time >= since {
                first = p
                break
            }
            remove(p)
            leaving = next
            departures += 1
        }
        if leaving.sequence == series.appended { first = nil }
        self.entering = entering
        self.leaving = leaving
        return true
    }

    private mutating func add(_ p: TimeSeries.Point) {
        count += 1
        guard p.value.isFinite else { return }
        // With no value in the sums they are all zero: the reference moves to this point (times and values near
        // it keep their precision; a reference far from them, such as none, would not).
        if sums.n == 0 {
            reference = (p.time, p.value)
            magnitude = 0
        }
        sums.add(x: p.time - reference.time, y: p.value - reference.value)
        magnitude = max(magnitude, sums.syy)
        equalRun = p.value == lastValue ? equalRun + 1 : 1
        lastValue = p.value
    }

    private mutating func remove(_ p: TimeSeries.Point) {
        count -= 1
        guard p.value.isFinite else { return }
        sums.remove(x: p.time - reference.time, y: p.value - reference.value)
        if sums.n == 0 { sums = Trend.Sums() }
    }

    /// The sums made from the window's points. When the window reaches into the thinned history the cursors are
    /// left unset, and the next update rebuilds again.
    private mutating func rebuild(_ series: TimeSeries, since: Double) {
        let points = series.points(since: since)
        generation = -1
        leaving = nil
        entering = nil
        departures = 0
        first = points.first
        last = points.last
        count = 0
        sums = Trend.Sums()
        equalRun = 0
        lastValue = .nan
        for p in points { add(p) }
        let start = series.appended - points.count
        guard start >= series.firstSequence, let leaving = series.cursor(at: start),
            let entering = series.cursor(at: series.appended)
        else { return }
        self.leaving = leaving
        self.entering = entering
        generation = series.generation
    }
}
