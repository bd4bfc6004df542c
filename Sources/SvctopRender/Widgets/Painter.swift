/// A screen buffer with the theme and glyph set to draw with.
public struct Painter {
    public var buffer: ScreenBuffer
    public let theme: Theme
    public let glyphs: Glyphs

    public init(width: Int, height: Int, theme: Theme, glyphs: Glyphs) {
        self.theme = theme
        self.glyphs = glyphs
        buffer = ScreenBuffer(width: width, height: height, fill: Cell(" ", theme.style(.text)))
    }

    public var width: Int { buffer.width }
    public var height: Int { buffer.height }

    public func style(_ role: Role) -> Style { theme.style(role) }

    /// Writes text in a role's style; returns the columns used.
    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, _ role: Role = .text, maxWidth: Int? = nil) -> Int {
        text(s, x: x, y: y, style: theme.style(role), maxWidth: maxWidth)
    }

    /// Writes text in an explicit style. With ASCII glyphs, anything that is not ASCII is transliterated
    /// (so a terminal without UTF-8 never receives bytes it cannot show).
    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        buffer.put(glyphs.isUnicode ? s : Painter.ascii(s), x: x, y: y, style: style, maxWidth: maxWidth)
    }

    static let transliterations: [Unicode.Scalar: String] = [
        "…": "~", "│": "|", "─": "-", "┌": "+", "┐": "+", "└": "+", "┘": "+", "✓": "+", "✗": "x", "▲": "^", "▼": "v",
        "◆": "*", "↑": "^", "⇣": "v", "▶": ">", "●": "o", "○": "-", "·": ".", "⏲": "*", "→": ">", "•": "*", "µ": "u",
        "Δ": "d",
    ]

    static func ascii(_ s: String) -> String {
        guard !s.unicodeScalars.allSatisfy(\.isASCII) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if let t = transliterations[scalar] {
                out += t
            } else if CharacterWidth.of(scalar) > 0 {
                out += "?"
            }
        }
        return out
    }

    /// Fills a row segment with spaces in a role's style.
    public mutating func clear(x: Int, y: Int, width: Int, _ role: Role = .text) {
        buffer.fill(x: x, y: y, width: width, height: 1, with: Cell(" ", theme.style(role)))
    }

    /// Draws a box with a title in its top border; returns the inner rectangle.
    @discardableResult
    public mutating func box(
        x: Int, y: Int, width w: Int, height h: Int, title: String, titleRole: Role = .title,
        trailing: String = "", trailingRole: Role = .dim
    ) -> Rect {
        guard w >= 2, h >= 2 else { return Rect(x: x, y: y, width: 0, height: 0) }
        let border = theme.style(.border)
        buffer.put(glyphs.topLeft, x: x, y: y, style: border)
        buffer.put(String(repeating: glyphs.horizontal, count: w - 2), x: x + 1, y: y, style: border)
        buffer.put(glyphs.topRight, x: x + w - 1, y: y, style: border)
        for row in (y + 1)..<(y + h - 1) {
            buffer.put(glyphs.vertical, x: x, y: row, style: border)
            buffer.put(glyphs.vertical, x: x + w - 1, y: row, style: border)
        }
        buffer.put(glyphs.bottomLeft, x: x, y: y + h - 1, style: border)
        buffer.put(String(repeating: glyphs.horizontal, count: w - 2), x: x + 1, y: y + h - 1, style: border)
        buffer.put(glyphs.bottomRight, x: x + w - 1, y: y + h - 1, style: border)
        let used = text(" \(title) ", x: x + 1, y: y, titleRole, maxWidth: w - 2)
        if !trailing.isEmpty {
            let tw = CharacterWidth.of(trailing) + 2
            if used + tw < w - 2 { text(" \(trailing) ", x: x + w - 1 - tw, y: y, trailingRole) }
        }
        return Rect(x: x + 1, y: y + 1, width: w - 2, height: h - 2)
    }
}
