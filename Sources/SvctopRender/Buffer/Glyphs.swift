/// The characters used for borders, bars, charts and symbols: Unicode when the locale is UTF-8, ASCII otherwise.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    public var sparkline: [String]
    public var barFull: String
    public var barPartial: [String]
    public var barEmpty: String
    public var ok, failing, unknown, draining, leak, selected, outlier, up, down, warning, stale: String
    public var isUnicode: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        barFull: "█", barPartial: ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"], barEmpty: "·",
        ok: "✓", failing: "✗", unknown: "?", draining: "⇣", leak: "↑", selected: "▶", outlier: "◆", up: "●", down: "○",
        warning: "▲", stale: "…", isUnicode: true)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        sparkline: ["_", ".", "-", "-", "=", "=", "#", "#"],
        barFull: "#", barPartial: ["", "", "", "", "=", "=", "=", "="], barEmpty: ".",
        ok: "+", failing: "x", unknown: "?", draining: "v", leak: "^", selected: ">", outlier: "*", up: "o", down: "-",
        warning: "!", stale: "~", isUnicode: false)
}
