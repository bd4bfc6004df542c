/// Text helpers for fixed-width cells.
public enum Cells {
    /// Pads or truncates to exactly `width` columns; truncation ends with `…` (or `~` in ASCII).
    public static func fit(_ s: String, _ width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let w = CharacterWidth.of(s)
        if w <= width {
            if w == width { return s }
            if alignRight {
                return blanks(width - w) + s
            }
            var out = s
            out += blanks(width - w)
            return out
        }
        var out = ""
        var used = 0
        for scalar in s.unicodeScalars {
            let cw = CharacterWidth.of(scalar)
            if used + cw > width - 1 { break }
            out.unicodeScalars.append(scalar)
            used += cw
        }
        out.append(ellipsis)
        out += blanks(max(0, width - used - 1))
        return out
    }

    /// `count` spaces, made once for each count a column can take (cells are padded to their column's width at
    /// every frame: making the padding each time was a quarter of drawing the fleet, and cutting it from one long
    /// string still a third of fitting a cell).
    static func blanks(_ count: Int) -> String {
        count < spaces.count ? spaces[count] : String(repeating: " ", count: count)
    }

    private static let spaces = (0..<256).map { String(repeating: " ", count: $0) }
}
