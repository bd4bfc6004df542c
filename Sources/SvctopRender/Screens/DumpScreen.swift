import SvctopCore

/// The goroutine dump: groups largest first, expandable stacks, search, and comparison with an earlier dump.
enum DumpScreen {
    /// A screen line: a group summary row or one frame of an expanded group.
    enum Line {
        case group(index: Int)
        case frame(group: Int, frame: StackFrame, isFirstApp: Bool, arguments: String)
        case creator(group: Int, frame: StackFrame)
        case note(group: Int, text: String)
    }

    static func lines(_ d: DumpViewState) -> [Line] {
        var out: [Line] = []
        let groups = d.comparison?.map(\.group) ?? d.dump.groups
        for (i, g) in groups.enumerated() {
            out.append(.group(index: i))
            guard d.expanded.contains(i) else { continue }
            let firstApp = g.frames.firstIndex { !$0.isStandardLibrary }
            for (k, f) in g.frames.enumerated() {
                let args = k < g.arguments.count ? g.arguments[k] : ""
                out.append(.frame(group: i, frame: f, isFirstApp: k == firstApp, arguments: args))
            }
            if let c = g.createdBy { out.append(.creator(group: i, frame: c)) }
            if !g.sampleIDs.isEmpty {
                out.append(
                    .note(
                        group: i,
                        text: "goroutines " + g.sampleIDs.map(String.init).joined(separator: ", ")
                            + (g.count > g.sampleIDs.count ? ", …" : "")))
            }
            if g.lockedToThread > 0 { out.append(.note(group: i, text: "\(g.lockedToThread) locked to thread")) }
        }
        return out
    }

    static func draw(_ p: inout Painter, _ state: AppState) {
        guard let d = state.dumpView else { return }
        let name = state.instance(d.instance)?.name ?? "?"
        p.clear(x: 0, y: 0, width: p.width)
        var x = p.text("goroutines of \(name)", x: 0, y: 0, .title)
        let when = ByteFormat.span(state.now - d.fetchedAt)
        x += p.text(
            "  debug=\(d.debugLevel) · \(when) ago · \(d.dump.total) goroutines in \(d.dump.groups.count) groups · \(d.dump.mode.rawValue) grouping",
            x: x, y: 0, .dim, maxWidth: p.width - x)
        p.clear(x: 0, y: 1, width: p.width)
        if let with = d.comparedWith {
            let back = KeyHints.keys(state, .compareDump, .dump)
            p.text(
                "compared with the \(with): growth per group, largest first (\(back): back to groups)", x: 0, y: 1,
                .accent, maxWidth: p.width)
        } else if d.dump.skippedLines > 0 {
            p.text("\(d.dump.skippedLines) lines could not be read and were skipped", x: 0, y: 1, .warning)
        } else if d.isRegrouping {
            p.text("regrouping…", x: 0, y: 1, .dim)
        } else {
            let hints = KeyHints.line(
                state,
                [
                    (.open, "expand"), (.search, "search"), (.compareDump, "compare"), (.toggleGrouping, "grouping"),
                    (.saveDump, "save"), (.back, "back"),
                ], in: .dump)
            p.text(hints, x: 0, y: 1, .dim, maxWidth: p.width)
        }
        let countWidth = d.comparison == nil ? 7 : 20
        let stateWidth = 16
        let waitWidth = d.debugLevel == 2 ? 10 : 0
        let rest = p.width - 2 - countWidth - stateWidth - waitWidth - 3
        let frameWidth = max(20, rest * 3 / 5)
        let creatorWidth = max(0, rest - frameWidth)
        var header =
            Cells.fit(
                d.comparison == nil ? "COUNT" : "BEFORE→AFTER   Δ/min", countWidth, alignRight: d.comparison == nil)
            + " "
        header += Cells.fit("STATE", stateWidth) + (waitWidth > 0 ? Cells.fit("WAIT", waitWidth) : "") + " "
        header += Cells.fit("TOP APPLICATION FRAME", frameWidth) + " " + Cells.fit("CREATED BY", creatorWidth)
        p.clear(x: 0, y: 2, width: p.width, .header)
        p.text(header, x: 2, y: 2, .header)

        let all = lines(d)
        let body = state.dumpBodyHeight
        // Keep the cursor's group line visible.
        let cursorLine =
            all.firstIndex { if case .group(let i) = $0 { return i == d.cursor } else { return false } } ?? 0
        var scroll = max(0, min(cursorLine - body / 3, all.count - body))
        if cursorLine < scroll { scroll = cursorLine }
        let matches = Set(d.matches)
        let groups = d.comparison?.map(\.group) ?? d.dump.groups
        for (row, line) in all.dropFirst(scroll).prefix(body).enumerated() {
            let y = 3 + row
            switch line {
            case .group(let i):
                let g = groups[i]
                let selected = i == d.cursor
                let base: Role = selected ? .selection : (matches.contains(i) ? .match : .text)
                p.clear(x: 0, y: y, width: p.width, selected ? .selection : .text)
                p.text(selected ? p.glyphs.selected : (d.expanded.contains(i) ? "-" : " "), x: 0, y: y, base)
                var cx = 2
                if let delta = d.comparison?[i] {
                    let rate = delta.perMinute.map { (($0 > 0) ? "+" : "") + ByteFormat.count($0) } ?? "-"
                    let text = Cells.fit("\(delta.before)→\(delta.after)", 13) + Cells.fit(rate, 7, alignRight: true)
                    p.text(text, x: cx, y: y, selected ? .selection : (delta.growth > 0 ? .critical : .dim))
                } else {
                    // Exact counts: they are checked against the raw dump (seven digits fit).
                    p.text(
                        Cells.fit(String(g.count), countWidth, alignRight: true), x: cx, y: y,
                        selected ? .selection : .highlight)
                }
                cx += countWidth + 1
                p.text(Cells.fit(g.stateSummary, stateWidth), x: cx, y: y, base)
                cx += stateWidth
                if waitWidth > 0 {
                    let wait =
                        g.waitMinutes.map {
                            $0.lowerBound == $0.upperBound ? "\($0.lowerBound)m" : "\($0.lowerBound)-\($0.upperBound)m"
                        } ?? ""
                    p.text(Cells.fit(wait, waitWidth), x: cx, y: y, selected ? .selection : .dim)
                    cx += waitWidth
                }
                cx += 1
                let top = g.topApplicationFrame ?? g.frames.first
                let frameText = top.map { "\($0.shortFunction) \($0.shortLocation)" } ?? "(no frames)"
                p.text(
                    Cells.fit(frameText, frameWidth), x: cx, y: y,
                    selected ? .selection : (g.topApplicationFrame != nil ? .appFrame : .stdlibFrame))
                cx += frameWidth + 1
                if creatorWidth > 2, let c = g.createdBy {
                    p.text(
                        Cells.fit(c.shortFunction, creatorWidth), x: cx, y: y,
                        selected ? .selection : (c.isStandardLibrary ? .stdlibFrame : .dim))
                }
            case .frame(_, let f, let isFirstApp, let args):
                let role: Role = isFirstApp ? .appFrame : (f.isStandardLibrary ? .stdlibFrame : .text)
                let marker = isFirstApp ? p.glyphs.selected + " " : "  "
                // Loose grouping and debug=1 keep no argument values.
                let call = f.isElided ? f.function : "\(f.function)(\(args.isEmpty ? "…" : args))"
                let used = p.text("     " + marker + call, x: 0, y: y, role, maxWidth: p.width)
                if !f.isElided { p.text("  " + f.location, x: used, y: y, .dim, maxWidth: max(0, p.width - used)) }
            case .creator(_, let f):
                let used = p.text(
                    "       created by \(f.function)", x: 0, y: y, f.isStandardLibrary ? .stdlibFrame : .text,
                    maxWidth: p.width)
                p.text("  " + f.location, x: used, y: y, .dim, maxWidth: max(0, p.width - used))
            case .note(_, let text):
                p.text("       " + text, x: 0, y: y, .dim, maxWidth: p.width)
            }
        }
        if d.isEditingSearch || !d.search.isEmpty {
            let y = p.height - 2
            p.clear(x: 0, y: y, width: p.width)
            let count = d.search.isEmpty ? "" : "  \(d.matches.count) groups match (n/N)"
            p.text("/\(d.search)\(d.isEditingSearch ? "_" : "")\(count)", x: 0, y: y, .highlight)
        }
    }
}
