/// Text helpers for fixed-width cells.
public enum Cells {
    /// Pads or truncates to exactly `width` columns; truncation ends with `…` (or `~` in ASCII).
    public static func fit(_ s: String, _ width: Int, alignRight: Bool = false, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let w = CharacterWidth.of(s)
        if w <= width {
            if w == width { return s }
            if alignRight {
                var out = String(blanks(width - w))
                out.append(s)
                return out
            }
            var out = s
            out.append(contentsOf: blanks(width - w))
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
        out.append(contentsOf: blanks(max(0, width - used - 1)))
        return out
    }

    /// `count` spaces, cut from one string made once (cells are padded to their column's width at every frame;
    /// making the padding each time was a quarter of drawing the fleet).
    static func blanks(_ count: Int) -> Substring {
        count <= spaces.utf8.count
            ? Substring(spaces.utf8.prefix(count)) : Substring(String(repeating: " ", count: count))
    }

    private static let spaces = String(repeating: " ", count: 512)
}
