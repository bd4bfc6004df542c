/// Text helpers for fixed-width cells.
public enum Cells {
    /// Pads or truncates to exactly `width` columns; truncation ends with `…` (or `~` in ASCII).
    public static func fit(_ s: String, _ width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let w = CharacterWidth.of(s)
        if w <= width {
            let pad = String(repeating: " ", count: width - w)
            return alignRight ? pad + s : s + pad
        }
        var out = ""
        var used = 0
        for scalar in s.unicodeScalars {
            let cw = CharacterWidth.of(scalar)
            if used + cw > width - 1 { break }
            out.unicodeScalars.append(scalar)
            used += cw
        }
        return out + ellipsis + String(repeating: " ", count: max(0, width - used - 1))
    }
}
