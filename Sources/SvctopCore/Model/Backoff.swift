/// Capped exponential backoff for a failing target: the interval, doubled per consecutive failure after the
/// first, at most `cap` seconds. A recovering target is scraped at the normal interval again at once.
public enum Backoff {
    public static func delay(consecutiveFailures: Int, interval: Double, cap: Double = 30) -> Double {
        guard consecutiveFailures > 1 else { return interval }
        let exponent = min(consecutiveFailures - 1, 16)
        return min(max(cap, interval), interval * Double(1 << exponent))
    }
}
