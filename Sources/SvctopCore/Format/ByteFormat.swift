/// Formats quantities for narrow table cells.
public enum ByteFormat {
    /// 1536 → "1.5Ki", 268435456 → "256Mi".
    public static func bytes(_ v: Double) -> String {
        let units = ["B", "Ki", "Mi", "Gi", "Ti"]
        var value = v
        var unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(value))B" }
        return value >= 100 ? "\(Int(value.rounded()))\(units[unit])" : "\(oneDecimal(value))\(units[unit])"
    }

    /// Seconds as "850µs", "12ms", "1.2s".
    public static func duration(_ s: Double) -> String {
        if s.isInfinite { return "+Inf" }
        if s < 0.001 { return "\(Int((s * 1_000_000).rounded()))µs" }
        if s < 1 { return s < 0.01 ? "\(oneDecimal(s * 1000))ms" : "\(Int((s * 1000).rounded()))ms" }
        if s < 60 { return "\(oneDecimal(s))s" }
        return "\(Int((s / 60).rounded()))m"
    }

    /// A count: 950, 1.2k, 45k, 1.3M.
    public static func count(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        let a = abs(v)
        if a < 1000 { return a < 10 && v != v.rounded() ? oneDecimal(v) : "\(Int(v.rounded()))" }
        if a < 1_000_000 { return a < 10_000 ? "\(oneDecimal(v / 1000))k" : "\(Int((v / 1000).rounded()))k" }
        return "\(oneDecimal(v / 1_000_000))M"
    }

    /// A ratio as a percentage: 0.423 → "42%", 0.0042 → "0.4%".
    public static func percent(_ r: Double) -> String {
        let p = r * 100
        if p > 0 && p < 10 { return "\(oneDecimal(p))%" }
        return "\(Int(p.rounded()))%"
    }

    /// A span of time as "45s", "12m", "3h".
    public static func span(_ seconds: Double) -> String {
        if seconds < 60 { return "\(max(0, Int(seconds)))s" }
        if seconds < 3600 { return "\(Int(seconds / 60))m" }
        if seconds < 86400 * 2 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 86400))d"
    }

    /// A time ahead (an estimate) with a resolution that fits its size, rounded to nearest: seconds under two
    /// minutes ("52s", "118s"), 10-second steps under ten minutes ("3m 40s"), minutes under an hour ("24m"),
    /// then hours and 10-minute steps ("2h 10m").
    public static func eta(_ seconds: Double) -> String {
        let s = max(0, seconds)
        if s < 119.5 { return "\(Int(s.rounded()))s" }
        if s < 595 {
            let steps = Int((s / 10).rounded())
            let minutes = steps / 6
            let rest = (steps % 6) * 10
            return rest == 0 ? "\(minutes)m" : "\(minutes)m \(rest)s"
        }
        if s < 3570 { return "\(Int((s / 60).rounded()))m" }
        let tens = Int((s / 600).rounded())
        let hours = tens / 6
        let rest = (tens % 6) * 10
        return rest == 0 ? "\(hours)h" : "\(hours)h \(rest)m"
    }

    /// A number without a trailing ".0": 3 → "3", 0.25 → "0.25".
    public static func trimmed(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? "\(Int(v))" : "\(v)"
    }

    static func oneDecimal(_ v: Double) -> String {
        let scaled = (v * 10).rounded()
        let whole = Int(scaled / 10)
        let frac = Int(abs(scaled).truncatingRemainder(dividingBy: 10))
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole).\(frac)"
    }
}
