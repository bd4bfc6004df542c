/// Sparklines, bars and braille line charts as strings.
public enum Charts {
    /// A sparkline of the last `width` values scaled between their min and max (flat data draws the lowest glyph).
    public static func sparkline(_ values: [Double], width: Int, glyphs: Glyphs, minimum: Double? = nil) -> String {
        guard width > 0 else { return "" }
        let data = Array(values.suffix(width)).filter { $0.isFinite }
        guard !data.isEmpty else { return String(repeating: " ", count: width) }
        let lo = minimum ?? data.min()!
        let hi = data.max()!
        let levels = glyphs.sparkline
        var out = String(repeating: " ", count: width - data.count)
        for v in data {
            let level = hi > lo ? Int(((v - lo) / (hi - lo) * Double(levels.count - 1)).rounded()) : 0
            out += levels[min(levels.count - 1, max(0, level))]
        }
        return out
    }

    /// A horizontal bar of `width` columns filled to `ratio` (0...1), with eighth-block precision in Unicode.
    public static func bar(_ ratio: Double, width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let r = ratio.isFinite ? min(1, max(0, ratio)) : 0
        let eighths = Int((r * Double(width) * 8).rounded())
        let full = eighths / 8
        let partial = eighths % 8
        var out = String(repeating: glyphs.barFull, count: full)
        var used = full
        if used < width && partial > 0 && !glyphs.barPartial[partial].isEmpty {
            out += glyphs.barPartial[partial]
            used += 1
        }
        out += String(repeating: glyphs.barEmpty, count: width - used)
        return out
    }

    /// A line chart of `values` in `width` x `height` cells. Unicode uses braille (2x4 dots per cell); ASCII
    /// draws the column heights with `*`. The vertical range is [lo, hi]; rows are returned top first.
    public static func lineChart(
        _ values: [Double], width: Int, height: Int, lo: Double, hi: Double, glyphs: Glyphs
    ) -> [String] {
        multiLineChart([values], width: width, height: height, lo: lo, hi: hi, glyphs: glyphs).map { row in
            String(String.UnicodeScalarView(row.map(\.glyph)))
        }
    }

    /// One cell of a chart: its glyph, and the series that owns it (the last series with a dot there), if any.
    public struct ChartCell: Equatable, Sendable {
        public var glyph: Unicode.Scalar
        public var series: Int?
    }

    /// Several series on one scale (p50, p90 and p99 of the same latency), drawn in order: a cell's dots are the
    /// union of every series', and its colour is that of the last series drawn there. ASCII draws each series'
    /// points with its own mark (`.`, `+`, `*`, then `*`), filling below only for a single series.
    public static func multiLineChart(
        _ series: [[Double]], width: Int, height: Int, lo: Double, hi: Double, glyphs: Glyphs
    ) -> [[ChartCell]] {
        guard width > 0, height > 0 else { return [] }
        let dotsWide = glyphs.isUnicode ? width * 2 : width
        let dotsHigh = glyphs.isUnicode ? height * 4 : height
        let span = hi > lo ? hi - lo : 1
        func level(_ v: Double) -> Int {
            Int(((v - lo) / span * Double(dotsHigh - 1)).rounded()).clamped(0, dotsHigh - 1)
        }
        // Which series owns each dot (the last one drawn there).
        var owner = Array(repeating: Array(repeating: -1, count: dotsWide), count: dotsHigh)
        for (index, values) in series.enumerated() {
            let data = values.filter { $0.isFinite }
            // Resample: the newest value at the right edge, one value per dot column (bucket max when compressing).
            var columns: [Double?] = Array(repeating: nil, count: dotsWide)
            if data.count <= dotsWide {
                for (i, v) in data.enumerated() { columns[dotsWide - data.count + i] = v }
            } else {
                for c in 0..<dotsWide {
                    let start = c * data.count / dotsWide
                    let end = max(start + 1, (c + 1) * data.count / dotsWide)
                    columns[c] = data[start..<end].max()
                }
            }
            var previous: Int?
            for c in 0..<dotsWide {
                guard let v = columns[c] else {
                    previous = nil
                    continue
                }
                let l = level(v)
                if glyphs.isUnicode {
                    // Join to the previous point so steep changes stay connected.
                    let from = previous.map { min($0, l) } ?? l
                    let to = previous.map { max($0, l) } ?? l
                    for y in from...to { owner[dotsHigh - 1 - y][c] = index }
                } else if series.count == 1 {
                    for y in 0...l { owner[dotsHigh - 1 - y][c] = index }
                } else {
                    owner[dotsHigh - 1 - l][c] = index
                }
                previous = l
            }
        }
        if !glyphs.isUnicode {
            let marks: [Unicode.Scalar] = series.count == 1 ? ["*"] : [".", "+", "*"]
            return owner.map { row in
                row.map {
                    $0 < 0
                        ? ChartCell(glyph: " ", series: nil)
                        : ChartCell(glyph: marks[min($0, marks.count - 1)], series: $0)
                }
            }
        }
        // Braille dot bits: column 0 rows 0-3 = 0x01 0x02 0x04 0x40; column 1 = 0x08 0x10 0x20 0x80.
        let bits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        var rows: [[ChartCell]] = []
        for cy in 0..<height {
            var row: [ChartCell] = []
            row.reserveCapacity(width)
            for cx in 0..<width {
                var mask: UInt32 = 0
                var top: Int?
                for dy in 0..<4 {
                    for dx in 0..<2 {
                        let o = owner[cy * 4 + dy][cx * 2 + dx]
                        guard o >= 0 else { continue }
                        mask |= bits[dy][dx]
                        top = max(top ?? o, o)
                    }
                }
                row.append(ChartCell(glyph: mask == 0 ? " " : Unicode.Scalar(0x2800 + mask)!, series: top))
            }
            rows.append(row)
        }
        return rows
    }
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(hi, Swift.max(lo, self)) }
}
