/// An in-memory screen of `width` x `height` cells. Widgets draw into it; the terminal layer applies the
/// difference between two buffers; tests read it back as text.
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and the screen; returns the columns used.
    /// Control characters are replaced by `?`, zero-width marks are dropped, wide characters take two cells.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        let ascii = text.utf8.withContiguousStorageIfAvailable { putASCII($0, x: x, y: y, limit: limit, style: style) }
        if let used = ascii ?? nil { return used }
        var column = x
        for scalar in text.unicodeScalars {
            var s = scalar
            var w = CharacterWidth.of(s)
            if w == 0 {
                if s.value < 0x20 || (s.value >= 0x7f && s.value < 0xa0) {
                    s = "?"
                    w = 1
                } else {
                    continue
                }
            }
            if column + w > limit { break }
            if column >= 0 {
                self[column, y] = Cell(s, style)
                if w == 2 { self[column + 1, y] = Cell(Cell.continuation, style) }
            }
            column += w
        }
        return column - x
    }

    /// Printable ASCII (nearly every cell of the dashboard): one column a byte, written without decoding; nil when
    /// `bytes` are anything else.
    private mutating func putASCII(
        _ bytes: UnsafeBufferPointer<UInt8>, x: Int, y: Int, limit: Int, style: Style
    ) -> Int? {
        guard CharacterWidth.isPrintableASCII(bytes) else { return nil }
        let used = max(0, min(bytes.count, limit - x))
        for i in stride(from: max(0, -x), to: used, by: 1) {
            cells[y * width + x + i] = Cell(Unicode.Scalar(bytes[i]), style)
        }
        return used
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { self[column, row] = cell }
        }
    }

    /// Applies a style to the cells of a rectangle, keeping their characters.
    public mutating func restyle(x: Int, y: Int, width w: Int, height h: Int, style: Style) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { cells[row * width + column].style = style }
        }
    }

    /// The screen as text, one string per row, trailing spaces kept (continuation cells skipped).
    public func lines() -> [String] {
        (0..<height).map { row in
            var line = String.UnicodeScalarView()
            for column in 0..<width {
                let c = cells[row * width + column]
                if !c.isContinuation { line.append(c.scalar) }
            }
            return String(line)
        }
    }

    /// The screen as text with trailing spaces trimmed, rows joined by newlines (for goldens).
    public var text: String {
        lines().map { line in
            var l = Substring(line)
            while l.last == " " { l.removeLast() }
            return String(l)
        }.joined(separator: "\n")
    }

    /// A changed stretch of one row.
    public struct Run: Equatable, Sendable {
        public var x: Int
        public var y: Int
        public var cells: [Cell]
    }

    /// The runs of cells that differ from `old`, row by row, left to right. Unchanged cells between two changes
    /// closer than 4 columns are included so that a run costs one cursor move. A size change returns every row.
    public func diff(from old: ScreenBuffer?) -> [Run] {
        guard let old, old.width == width, old.height == height else {
            return (0..<height).map { Run(x: 0, y: $0, cells: Array(cells[($0 * width)..<(($0 + 1) * width)])) }
        }
        var runs: [Run] = []
        for row in 0..<height {
            let base = row * width
            var column = 0
            while column < width {
                if cells[base + column] == old.cells[base + column] {
                    column += 1
                    continue
                }
                var start = column
                // Never start on the second half of a wide character.
                if cells[base + start].isContinuation && start > 0 { start -= 1 }
                var end = column + 1
                var gap = 0
                var scan = end
                while scan < width {
                    if cells[base + scan] != old.cells[base + scan] {
                        end = scan + 1
                        gap = 0
                    } else {
                        gap += 1
                        if gap >= 4 { break }
                    }
                    scan += 1
                }
                if end < width && cells[base + end].isContinuation { end += 1 }
                runs.append(Run(x: start, y: row, cells: Array(cells[(base + start)..<(base + end)])))
                column = end
            }
        }
        return runs
    }
}
