import SvctopCore

/// A CPU or heap profile: the top functions by flat or cum, the callers and callees of one function, or the
/// change since the previous profile. Runtime and standard-library functions are dimmed; the first application
/// function is marked, as in the dump view.
enum PprofScreen {
    static func draw(_ p: inout Painter, _ state: AppState) {
        guard let v = state.pprofView else { return }
        let name = state.instance(v.instance)?.name ?? "?"
        let type = v.currentSampleType
        p.clear(x: 0, y: 0, width: p.width)
        var x = p.text("\(v.kind.title) of \(name)", x: 0, y: 0, .title)
        var facts: [String] = []
        if v.profile.durationSeconds > 0 { facts.append("\(ByteFormat.oneDecimalTrimmed(v.profile.durationSeconds))s") }
        facts.append("\(ByteFormat.span(state.now - v.fetchedAt)) ago")
        facts.append("\(type.name) (\(type.unit))")
        var total = "total \(type.format(v.table.total))"
        if type.unit == "nanoseconds", v.profile.durationSeconds > 0 {
            total += " = \(percent(Double(v.table.total) / (v.profile.durationSeconds * 1e9))) of one core"
        }
        facts.append(total)
        facts.append("\(v.profile.functions.count) functions")
        facts.append("by \(v.order.rawValue)")
        x += p.text("  " + facts.joined(separator: " · "), x: x, y: 0, .dim, maxWidth: p.width - x)

        p.clear(x: 0, y: 1, width: p.width)
        if let comparison = v.comparison {
            let back = KeyHints.keys(state, .compareProfile, .pprof)
            let what = v.kind == .cpu ? "per second of profiling" : "growth per minute"
            p.text(
                "vs the \(v.comparedWith ?? "previous profile") · \(type.name) \(v.order.rawValue) · \(what) ·"
                    + " \(comparison.count) changed (\(back): back)",
                x: 0, y: 1, .accent, maxWidth: p.width)
        } else if let peek = v.peek {
            let f = v.profile.functions[peek.function]
            let back = KeyHints.keys(state, .back, .pprof)
            p.text(
                "callers ↑ and callees ↓ (\(back): back) · flat \(type.format(peek.flat)), cum \(type.format(peek.cum))"
                    + " · \(f.name)",
                x: 0, y: 1, .accent, maxWidth: p.width)
        } else {
            var hints: [(Action, String)] = [
                (.peek, "callers/callees"), (.profileOrder, "flat/cum"), (.search, "search"),
                (.compareProfile, "compare"), (.saveProfile, "save"),
            ]
            if v.profile.sampleTypes.count > 1 { hints.insert((.sampleType, "sample type"), at: 2) }
            let saved = v.savedPath.map { " · saved to \($0)" } ?? ""
            p.text(
                KeyHints.line(state, hints + [(.back, "back")], in: .pprof) + saved, x: 0, y: 1, .dim, maxWidth: p.width
            )
        }

        let body = state.dumpBodyHeight
        let scroll = max(0, min(v.cursor - body / 3, v.rowCount - body))
        let matches = Set(v.matches)
        if let comparison = v.comparison {
            drawComparison(&p, v, comparison, scroll: scroll, body: body, matches: matches)
        } else if v.peek != nil {
            drawPeek(&p, v, scroll: scroll, body: body, matches: matches)
        } else {
            drawTop(&p, v, scroll: scroll, body: body, matches: matches)
        }
        if v.isEditingSearch || !v.search.isEmpty {
            let y = p.height - 2
            p.clear(x: 0, y: y, width: p.width)
            let count = v.search.isEmpty ? "" : "  \(v.matches.count) functions match (n/N)"
            p.text("/\(v.search)\(v.isEditingSearch ? "_" : "")\(count)", x: 0, y: y, .highlight)
        }
    }

    /// "48.98%", as pprof prints it.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "-" }
        let hundredths = Int((ratio * 10_000).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let a = abs(hundredths)
        let frac = a % 100
        return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)%"
    }

    static func role(_ f: PprofFunction, selected: Bool, matched: Bool, firstApp: Bool) -> Role {
        if selected { return .selection }
        if matched { return .match }
        if firstApp { return .appFrame }
        return f.isStandardLibrary ? .stdlibFrame : .text
    }

    static func drawTop(_ p: inout Painter, _ v: PprofViewState, scroll: Int, body: Int, matches: Set<Int>) {
        let type = v.currentSampleType
        let columns = [("FLAT", 9), ("FLAT%", 8), ("SUM%", 8), ("CUM", 9), ("CUM%", 8)]
        p.clear(x: 0, y: 2, width: p.width, .header)
        var header = ""
        for (title, width) in columns { header += Cells.fit(title, width, alignRight: true) }
        p.text(header + "  FUNCTION", x: 2, y: 2, .header)
        let total = Double(v.table.total)
        var sum: Int64 = 0
        let firstApp = v.table.rows.firstIndex { !v.profile.functions[$0.function].isStandardLibrary }
        for (i, row) in v.table.rows.enumerated() {
            sum += row.flat
            guard i >= scroll else { continue }
            guard i < scroll + body else { break }
            let y = 3 + i - scroll
            let f = v.profile.functions[row.function]
            let selected = i == v.cursor
            let role = role(f, selected: selected, matched: matches.contains(i), firstApp: i == firstApp)
            p.clear(x: 0, y: y, width: p.width, selected ? .selection : .text)
            p.text(selected ? p.glyphs.selected : (i == firstApp ? "›" : " "), x: 0, y: y, role)
            let cells = [
                type.format(row.flat), percent(Double(row.flat) / total), percent(Double(sum) / total),
                type.format(row.cum), percent(Double(row.cum) / total),
            ]
            var text = ""
            for (k, cell) in cells.enumerated() { text += Cells.fit(cell, columns[k].1, alignRight: true) }
            let used = p.text(text, x: 2, y: y, selected ? .selection : .text)
            p.text("  " + f.name, x: 2 + used, y: y, role, maxWidth: max(0, p.width - 2 - used))
        }
    }

    static func drawPeek(_ p: inout Painter, _ v: PprofViewState, scroll: Int, body: Int, matches: Set<Int>) {
        guard let peek = v.peek else { return }
        let type = v.currentSampleType
        p.clear(x: 0, y: 2, width: p.width, .header)
        p.text(
            Cells.fit("VALUE", 9, alignRight: true) + Cells.fit("OF CUM", 9, alignRight: true)
                + "  CALLER / FUNCTION / CALLEE",
            x: 2, y: 2, .header)
        let cum = Double(max(peek.cum, 1))
        for (i, line) in v.peekLines.enumerated().dropFirst(scroll).prefix(body) {
            let y = 3 + i - scroll
            let selected = i == v.cursor
            p.clear(x: 0, y: y, width: p.width, selected ? .selection : .text)
            p.text(selected ? p.glyphs.selected : " ", x: 0, y: y, selected ? .selection : .text)
            switch line {
            case .caller(let edge), .callee(let edge):
                let f = v.profile.functions[edge.function]
                let arrow = if case .caller = line { "↑ " } else { "  ↓ " }
                let used = p.text(
                    Cells.fit(type.format(edge.value), 9, alignRight: true)
                        + Cells.fit(percent(Double(edge.value) / cum), 9, alignRight: true),
                    x: 2, y: y, selected ? .selection : .text)
                p.text(
                    "  " + arrow + f.name, x: 2 + used, y: y,
                    role(f, selected: selected, matched: matches.contains(i), firstApp: false),
                    maxWidth: max(0, p.width - 2 - used))
            case .focus:
                let f = v.profile.functions[peek.function]
                let used = p.text(
                    Cells.fit(type.format(peek.cum), 9, alignRight: true) + Cells.fit("100.00%", 9, alignRight: true),
                    x: 2, y: y, selected ? .selection : .highlight)
                p.text(
                    "  ▶ \(f.name)  (flat \(type.format(peek.flat)))  \(f.file)", x: 2 + used, y: y,
                    selected ? .selection : (matches.contains(i) ? .match : .highlight),
                    maxWidth: max(0, p.width - 2 - used))
            }
        }
        if peek.callers.isEmpty && peek.callees.isEmpty && body > 2 {
            p.text("  (no callers or callees: every sample of it is the whole stack)", x: 0, y: 5, .dim)
        }
    }

    static func drawComparison(
        _ p: inout Painter, _ v: PprofViewState, _ deltas: [PprofDelta], scroll: Int, body: Int, matches: Set<Int>
    ) {
        let type = v.currentSampleType
        let perSecond = v.kind == .cpu
        p.clear(x: 0, y: 2, width: p.width, .header)
        let rateTitle = perSecond ? "" : Cells.fit("PER MIN", 10, alignRight: true)
        p.text(
            Cells.fit(perSecond ? "BEFORE/s" : "BEFORE", 10, alignRight: true)
                + Cells.fit(perSecond ? "AFTER/s" : "AFTER", 10, alignRight: true)
                + Cells.fit("CHANGE", 10, alignRight: true) + rateTitle + "  FUNCTION",
            x: 2, y: 2, .header)
        if deltas.isEmpty {
            p.text("  nothing changed between the two profiles", x: 0, y: 3, .dim)
            return
        }
        let firstApp = deltas.firstIndex { !$0.isStandardLibrary && $0.growth > 0 }
        for (i, d) in deltas.enumerated().dropFirst(scroll).prefix(body) {
            let y = 3 + i - scroll
            let selected = i == v.cursor
            p.clear(x: 0, y: y, width: p.width, selected ? .selection : .text)
            p.text(
                selected ? p.glyphs.selected : (i == firstApp ? "›" : " "), x: 0, y: y, selected ? .selection : .text)
            let sign = d.growth > 0 ? "+" : ""
            var text =
                Cells.fit(type.format(d.before), 10, alignRight: true)
                + Cells.fit(type.format(d.after), 10, alignRight: true)
                + Cells.fit(sign + type.format(d.growth), 10, alignRight: true)
            if !perSecond {
                let rate = d.perMinute.map { ($0 > 0 ? "+" : "") + type.format($0) } ?? "-"
                text += Cells.fit(rate, 10, alignRight: true)
            }
            let used = p.text(text, x: 2, y: y, selected ? .selection : (d.growth > 0 ? .critical : .dim))
            let f = PprofFunction(name: d.name, file: d.file)
            p.text(
                "  " + d.name, x: 2 + used, y: y,
                role(f, selected: selected, matched: matches.contains(i), firstApp: i == firstApp),
                maxWidth: max(0, p.width - 2 - used))
        }
    }
}
