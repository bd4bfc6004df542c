/// Kubernetes resource quantities ("512Mi", "1G", "1.5Gi", "129e6", "128974848") in their base unit.
public enum KubeQuantity {
    private static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("Ti", 1024.0 * 1024 * 1024 * 1024),
        ("Pi", 1024.0 * 1024 * 1024 * 1024 * 1024), ("Ei", 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15),
        ("E", 1e18),
    ]

    /// The value, or nil when the text is not a quantity.
    public static func value(_ text: String) -> Double? {
        let s = text.trimmingSpaces()
        guard !s.isEmpty else { return nil }
        for (suffix, factor) in suffixes where s.hasSuffix(suffix) {
            // "1E3" is an exponent, not exa: only a suffix after a number that parses alone.
            let number = String(s.dropLast(suffix.count))
            if let v = Double(number), v.isFinite, v >= 0 { return v * factor }
        }
        guard let v = Double(s), v.isFinite, v >= 0 else { return nil }
        return v
    }
}
