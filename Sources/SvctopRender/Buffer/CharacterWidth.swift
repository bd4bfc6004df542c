/// Display width of characters, without the C library (so the render layer stays pure and testable).
public enum CharacterWidth {
    /// 0 for combining marks and controls, 2 for East Asian wide and emoji, 1 otherwise.
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (v >= 0x7f && v < 0xa0) { return 0 }
        if v < 0x300 { return 1 }
        // Arrows, box drawing, block elements, shapes, dingbats, braille: the dashboard's own glyphs (sparklines,
        // markers, health) and one width each, with no mark among them (`CharacterWidthTests` checks the range).
        // Asking for their general category was 6 % of drawing.
        if v >= 0x2190 && v < 0x2C00 { return 1 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }

    /// Display width of a string: its byte count when it is printable ASCII (checked without decoding it).
    public static func of(_ text: String) -> Int {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ isPrintableASCII($0) ? $0.count : nil }),
            let width = ascii
        {
            return width
        }
        return text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Whether every byte is printable ASCII (space to tilde): one column each.
    static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 &- 0x20 < 0x5f }
    }
}
