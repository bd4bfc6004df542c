import Testing
@testable import SvctopRender

@Suite("screen buffer")
struct ScreenBufferTests {
    @Test("text goes in, clipped, and comes back out")
    func putAndRead() {
        var b = ScreenBuffer(width: 10, height: 2)
        #expect(b.put("hello world", x: 2, y: 0, style: .plain) == 8)
        #expect(b.put("☃ ok", x: 0, y: 1, style: .plain) == 4)
        #expect(b.lines() == ["  hello wo", "☃ ok      "])
    }

    @Test("printable ASCII is clipped to the screen and to its width from any column, as any text is")
    func asciiClipping() {
        let text = "abcdefg"
        for x in -9...12 {
            for maxWidth in [nil, 0, 3, 20] as [Int?] {
                var b = ScreenBuffer(width: 10, height: 1)
                let used = b.put(text, x: x, y: 0, style: .plain, maxWidth: maxWidth)
                // Every character up to the limit takes one column; those left of the screen are not drawn.
                let limit = min(10, x + (maxWidth ?? 10))
                let expected = x >= 10 ? 0 : max(0, min(text.count, limit - x))
                #expect(used == expected, "x \(x), maxWidth \(String(describing: maxWidth))")
                let row = (0..<10).map { column -> Character in
                    let i = column - x
                    return i >= 0 && i < expected ? Array(text)[i] : " "
                }
                #expect(b.lines() == [String(row)], "x \(x), maxWidth \(String(describing: maxWidth))")
            }
        }
        // A long string (not stored inline) and one with a tab take the same paths' rules.
        var b = ScreenBuffer(width: 40, height: 2)
        #expect(b.put(String(repeating: "xy", count: 30), x: 1, y: 0, style: .plain) == 39)
        #expect(b.put("a\tb", x: 0, y: 1, style: .plain) == 3)
        #expect(b.lines()[1].hasPrefix("a?b "))
    }

    @Test("a string's width: its length in printable ASCII, by columns otherwise")
    func stringWidth() {
        #expect(CharacterWidth.of("") == 0)
        #expect(CharacterWidth.of("p99 12.5ms") == 10)
        #expect(CharacterWidth.of(String(repeating: "~", count: 100)) == 100)
        #expect(CharacterWidth.of("a\u{7f}b\u{1b}") == 2)
        #expect(CharacterWidth.of("héllo") == 5)
        #expect(CharacterWidth.of("日本x") == 5)
        #expect(CharacterWidth.of("e\u{301}") == 1)
    }

    @Test("wide characters take two cells and control characters become ?")
    func wide() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.put("日本\u{07}", x: 0, y: 0, style: .plain)
        #expect(b.lines() == ["日本? "])
        #expect(b[1, 0].isContinuation)
    }

    @Test("the symbol blocks taken at width one without asking their category hold no mark and no wide character")
    func symbolRange() {
        // One expectation for the lot: ten thousand of them would hold up the whole test run.
        let exceptions = (UInt32(0x2190)..<0x2C00).compactMap(Unicode.Scalar.init).filter { scalar in
            let category = scalar.properties.generalCategory
            return category == .nonspacingMark || category == .enclosingMark || category == .format
                || CharacterWidth.of(scalar) != 1
        }
        #expect(exceptions.isEmpty, "\(exceptions.map { String($0.value, radix: 16) })")
        // Either side of the range the general category still decides.
        #expect(CharacterWidth.of(Unicode.Scalar(0x20DD)!) == 0, "combining enclosing circle")
        #expect(CharacterWidth.of(Unicode.Scalar(0x2CEF)!) == 0, "Coptic combining mark")
        #expect(CharacterWidth.of("\u{2E80}") == 2, "CJK radical")
    }

    @Test("changing one cell yields only that run")
    func diffOneCell() {
        var a = ScreenBuffer(width: 20, height: 5)
        a.put("steady text", x: 0, y: 2, style: .plain)
        var b = a
        b[7, 3] = Cell("x", .plain)
        let runs = b.diff(from: a)
        #expect(runs == [ScreenBuffer.Run(x: 7, y: 3, cells: [Cell("x", .plain)])])
    }

    @Test("a style change is a change; identical frames diff to nothing")
    func diffStyle() {
        let a = ScreenBuffer(width: 8, height: 2)
        #expect(a.diff(from: a).isEmpty)
        var b = a
        b.restyle(x: 2, y: 1, width: 2, height: 1, style: Style(.red))
        let runs = b.diff(from: a)
        #expect(runs.count == 1)
        #expect(runs[0].x == 2 && runs[0].y == 1 && runs[0].cells.count == 2)
    }

    @Test("nearby changes merge into one run, far ones do not; a size change redraws everything")
    func diffMerge() {
        let a = ScreenBuffer(width: 30, height: 1)
        var b = a
        b[2, 0] = Cell("a")
        b[4, 0] = Cell("b")
        b[20, 0] = Cell("c")
        let runs = b.diff(from: a)
        #expect(runs.map(\.x) == [2, 20])
        #expect(runs[0].cells.count == 3)
        #expect(ScreenBuffer(width: 4, height: 2).diff(from: ScreenBuffer(width: 5, height: 2)).count == 2)
    }

    @Test("colors degrade to 8 and 16 color terminals")
    func degrade() {
        #expect(Color.indexed(196).degraded(toColors: 8) == .red)
        #expect(Color.indexed(46).degraded(toColors: 8) == .green)
        #expect(Color.indexed(9).degraded(toColors: 8) == .red)
        #expect(Color.indexed(9).degraded(toColors: 16) == .indexed(9))
        #expect(Color.indexed(231).degraded(toColors: 8) == .white)
        #expect(Color.terminalDefault.degraded(toColors: 8) == .terminalDefault)
    }

    @Test("charts: sparkline, bar and braille line")
    func charts() {
        #expect(Charts.sparkline([0, 1, 2, 3, 4, 5, 6, 7], width: 8, glyphs: .unicode) == "▁▂▃▄▅▆▇█")
        #expect(Charts.sparkline([1, 1], width: 4, glyphs: .unicode) == "  ▁▁")
        #expect(Charts.bar(0.5, width: 4, glyphs: .unicode) == "██··")
        #expect(Charts.bar(0.5, width: 4, glyphs: .ascii) == "##..")
        let rows = Charts.lineChart([0, 1], width: 1, height: 1, lo: 0, hi: 1, glyphs: .unicode)
        // Left column: the bottom dot (0x40); right column: joined from bottom to top (0x08 0x10 0x20 0x80).
        #expect(rows == ["\u{28F8}"])
    }

    @Test("several series on one chart: dots are merged, each cell belongs to the last series drawn there")
    func multiSeriesChart() {
        // p50 flat at the bottom, p99 flat at the top, two cells wide, two rows high.
        let rows = Charts.multiLineChart(
            [[0, 0, 0, 0], [10, 10, 10, 10]], width: 2, height: 2, lo: 0, hi: 10, glyphs: .unicode)
        #expect(rows.count == 2)
        // Top row: only p99's dots (the top dot row of each braille cell: 0x01 | 0x08).
        #expect(rows[0].map(\.series) == [1, 1])
        #expect(rows[0].map(\.glyph) == ["\u{2809}", "\u{2809}"])
        // Bottom row: only p50's dots (the bottom dot row: 0x40 | 0x80).
        #expect(rows[1].map(\.series) == [0, 0])
        #expect(rows[1].map(\.glyph) == ["\u{28C0}", "\u{28C0}"])
        // Where both series meet in one cell, the later one owns its colour.
        let merged = Charts.multiLineChart([[0, 0], [0, 0]], width: 1, height: 1, lo: 0, hi: 10, glyphs: .unicode)
        #expect(merged[0][0].series == 1)
        // ASCII marks each series with its own character.
        let ascii = Charts.multiLineChart([[0, 0], [10, 10]], width: 2, height: 2, lo: 0, hi: 10, glyphs: .ascii)
        #expect(ascii.map { String(String.UnicodeScalarView($0.map(\.glyph))) } == ["++", ".."])
    }

    @Test("cells are padded or cut to exactly their width, by columns on screen")
    func fitCells() {
        #expect(Cells.fit("abc", 6) == "abc   ")
        #expect(Cells.fit("abc", 6, alignRight: true) == "   abc")
        #expect(Cells.fit("abc", 3) == "abc" && Cells.fit("abc", 0) == "")
        #expect(Cells.fit("abcdef", 4) == "abc…")
        #expect(Cells.fit("abcdef", 4, ellipsis: "~") == "abc~")
        // A wide character that does not fit before the ellipsis leaves a blank so the cell keeps its width.
        #expect(Cells.fit("abc漢字", 5) == "abc… " && CharacterWidth.of(Cells.fit("abc漢字", 5)) == 5)
        #expect(Cells.fit("ab漢字", 5) == "ab漢…")
        #expect(Cells.fit("漢", 4, alignRight: true) == "  漢")
        // Wider than the blanks kept for padding.
        let wide = Cells.fit("x", 700)
        #expect(wide.count == 700 && wide.first == "x" && wide.dropFirst().allSatisfy { $0 == " " })
        #expect(Cells.fit("x", 700, alignRight: true).last == "x")
    }
}
