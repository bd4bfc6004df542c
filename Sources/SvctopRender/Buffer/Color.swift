/// A terminal color: the terminal's default, one of the 16 ANSI colors, or an index of the 256-color palette.
public enum Color: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)

    public static let black = Color.indexed(0), red = Color.indexed(1), green = Color.indexed(2)
    public static let yellow = Color.indexed(3), blue = Color.indexed(4), magenta = Color.indexed(5)
    public static let cyan = Color.indexed(6), white = Color.indexed(7)

    /// The nearest color a terminal with `count` colors can show (8, 16 or 256).
    public func degraded(toColors count: Int) -> Color {
        guard case .indexed(let i) = self else { return self }
        if count >= 256 || Int(i) < min(count, 16) { return self }
        if count >= 16 && i < 16 { return self }
        if i >= 8 && i < 16 { return .indexed(i - 8) }
        let (r, g, b) = Color.rgb(i)
        // Nearest of the 8 basic colors by the dominant channels.
        let threshold = 0.5 * Double(max(r, g, b))
        let bit = { (v: Int) -> UInt8 in Double(v) > threshold && v > 60 ? 1 : 0 }
        let index = bit(r) | (bit(g) << 1) | (bit(b) << 2)
        if index == 0 && max(r, g, b) > 160 { return .white }
        return .indexed(index)
    }

    /// Approximate RGB of a palette index (xterm's 256-color layout).
    static func rgb(_ i: UInt8) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
            (255, 255, 255),
        ]
        if i < 16 { return basic[Int(i)] }
        if i >= 232 {
            let v = 8 + Int(i - 232) * 10
            return (v, v, v)
        }
        let n = Int(i) - 16
        let steps = [0, 95, 135, 175, 215, 255]
        return (steps[n / 36], steps[(n / 6) % 6], steps[n % 6])
    }
}
