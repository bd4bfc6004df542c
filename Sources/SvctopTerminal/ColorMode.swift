/// How colors are chosen.
public enum ColorMode: Sendable {
    /// Use what the terminal offers (256, 16 or 8 colors, or none).
    case automatic
    /// No colors at all (`NO_COLOR`, `--no-color`).
    case monochrome
}
