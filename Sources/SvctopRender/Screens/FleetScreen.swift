import SvctopCore

/// The home screen: one row per instance, a fleet summary, a fixed header, scrolling for hundreds of rows.
enum FleetScreen {
    struct Column {
        var title: String
        var width: Int
        /// Lower numbers survive narrower screens.
        var priority: Int
        var alignRight: Bool
        var sort: SortColumn?
    }

    static let columns: [Column] = [
        Column(title: "HEALTH", width: 9, priority: 0, alignRight: false, sort: .severity),
        Column(title: "GOROUT", width: 7, priority: 0, alignRight: true, sort: .goroutines),
        Column(title: "TREND", width: 8, priority: 5, alignRight: false, sort: nil),
        Column(title: "MEMORY", width: 11, priority: 1, alignRight: false, sort: .memory),
        Column(title: "P50", width: 6, priority: 4, alignRight: true, sort: .p50),
        Column(title: "P99", width: 6, priority: 1, alignRight: true, sort: .p99),
        Column(title: "REQ/S", width: 6, priority: 2, alignRight: true, sort: .rate),
        Column(title: "ERR", width: 5, priority: 2, alignRight: true, sort: .errors),
        Column(title: "POOL", width: 5, priority: 3, alignRight: true, sort: .pool),
        Column(title: "DB", width: 5, priority: 4, alignRight: true, sort: .db),
        Column(title: "LEVEL", width: 5, priority: 4, alignRight: false, sort: nil),
        Column(title: "AGE", width: 5, priority: 1, alignRight: true, sort: .age),
    ]

    static let minimumNameWidth = 12

    /// The columns that fit in `width` (after the 2-column marker and the name).
    static func visibleColumns(width: Int, pods: Bool = false) -> (columns: [Column], nameWidth: Int) {
        var chosen = columns
        // Pods: what Kubernetes says (gone, phase, the last termination and restarts) beside what the service says.
        if pods { chosen.insert(Column(title: "POD", width: 17, priority: 1, alignRight: false, sort: nil), at: 1) }
        func needed(_ cols: [Column]) -> Int { 2 + minimumNameWidth + cols.reduce(0) { $0 + $1.width + 1 } }
        while needed(chosen) > width, let drop = chosen.indices.max(by: { chosen[$0].priority < chosen[$1].priority }),
            chosen[drop].priority > 0
        {
            chosen.remove(at: drop)
        }
        var spare = width - needed(chosen)
        let nameWidth = minimumNameWidth + min(spare, 16)
        spare -= nameWidth - minimumNameWidth
        // Give what is left to the history and the memory bar.
        for title in ["TREND", "MEMORY"] where spare > 0 {
            if let i = chosen.firstIndex(where: { $0.title == title }) {
                let extra = min(spare, title == "TREND" ? 16 : 8)
                chosen[i].width += extra
                spare -= extra
            }
        }
        return (chosen, nameWidth)
    }

    static func draw(_ p: inout Painter, _ state: AppState) {
        let rows = state.visibleInstances()
        drawTitle(&p, state, shown: rows.count)
        drawSummary(&p, state)
        let (cols, nameWidth) = visibleColumns(width: p.width, pods: state.kubernetes != nil)
        // Header.
        var x = 2
        p.clear(x: 0, y: 2, width: p.width, .header)
        p.text(Cells.fit("NAME", nameWidth), x: x, y: 2, .header)
        x += nameWidth + 1
        for c in cols {
            var title = c.title
            if let s = c.sort, s == state.sort { title = (state.isSortReversed ? "▲" : "▼") + title }
            p.text(
                Cells.fit(title, c.width, alignRight: c.alignRight), x: x, y: 2,
                c.sort == state.sort ? .accent : .header)
            x += c.width + 1
        }
        if state.sort == .name { p.text("NAME" + (state.isSortReversed ? "▲" : "▼"), x: 2, y: 2, .accent) }
        let outliers = state.outliers
        let body = state.fleetBodyHeight
        if rows.isEmpty {
            let why = state.instances.isEmpty ? "no targets" : "no instance matches the filter \"\(state.filter)\""
            p.text(why, x: 2, y: 3, .dim)
        }
        let scroll = min(state.fleetScroll, max(0, rows.count - body))
        for (i, id) in rows.dropFirst(scroll).prefix(body).enumerated() {
            drawRow(&p, state, state.instances[id], y: 3 + i, cols: cols, nameWidth: nameWidth, outliers: outliers)
        }
        if rows.count > body {
            let info = "\(scroll + 1)-\(min(rows.count, scroll + body)) of \(rows.count)"
            p.text(" \(info) ", x: max(0, p.width - CharacterWidth.of(info) - 3), y: p.height - 2, .dim)
        }
    }

    static func drawTitle(_ p: inout Painter, _ state: AppState, shown: Int) {
        p.clear(x: 0, y: 0, width: p.width, .text)
        var x = p.text("svctop", x: 0, y: 0, .title)
        x += p.text(" fleet", x: x, y: 0, .dim)
        if let k8s = state.kubernetes {
            x += p.text(
                " \(k8s.namespace.map { "-n \($0)" } ?? "-A") \(k8s.selection)", x: x, y: 0, .text, maxWidth: 50)
        }
        if !state.filter.isEmpty || state.isEditingFilter {
            let cursor = state.isEditingFilter ? "_" : ""
            x += p.text("  filter: ", x: x, y: 0, .dim)
            x += p.text("\(state.filter)\(cursor)", x: x, y: 0, .highlight)
            p.text("  (\(shown) of \(state.instances.count))", x: x, y: 0, .dim)
        }
        let sortText = "sort: \(state.sort.title)\(state.isSortReversed ? " (rev)" : "")"
        p.text(sortText, x: max(x + 2, p.width - CharacterWidth.of(sortText)), y: 0, .dim)
    }

    static func drawSummary(_ p: inout Painter, _ state: AppState) {
        let total = state.instances.count
        var up = 0, ready = 0, draining = 0, probed = 0
        var goroutines = 0.0
        var worstP99: (Double, InstanceID)?
        var worstMemory: (Double, InstanceID)?
        // Fields read through the index: a copy of each instance would retain every one of its series.
        let instances = state.instances
        for i in instances.indices {
            let health = instances[i].health
            if health.isReady == true { ready += 1 }
            if health.ready != nil { probed += 1 }
            if health.isDraining { draining += 1 }
            guard instances[i].status.isUp else { continue }
            up += 1
            goroutines += instances[i].reading?.goroutines ?? 0
            if let v = instances[i].latency.p99, v > (worstP99?.0 ?? -1) { worstP99 = (v, i) }
            if let v = instances[i].memoryRatio, v > (worstMemory?.0 ?? -1) { worstMemory = (v, i) }
        }
        var x = 0
        x += p.text("up ", x: x, y: 1, .dim)
        x += p.text("\(up)/\(total)", x: x, y: 1, up == total ? .good : (up == 0 && total > 0 ? .critical : .warning))
        // Instances from a source are not probed by svctop: readiness counts those that are.
        if probed > 0 || state.source == nil {
            x += p.text("  ready ", x: x, y: 1, .dim)
            x += p.text(
                "\(ready)/\(probed > 0 && state.source != nil ? probed : total)", x: x, y: 1,
                ready == (state.source != nil ? probed : total) ? .good : .warning)
        }
        if draining > 0 {
            x += p.text("  draining ", x: x, y: 1, .dim)
            x += p.text("\(draining)", x: x, y: 1, .warning)
        }
        x += p.text("  goroutines ", x: x, y: 1, .dim)
        x += p.text(ByteFormat.count(goroutines), x: x, y: 1, .text)
        if let (v, i) = worstP99 {
            x += p.text("  worst p99 ", x: x, y: 1, .dim)
            x += p.text("\(ByteFormat.duration(v)) (\(state.instances[i].name))", x: x, y: 1, .text, maxWidth: 40)
        }
        if let (r, i) = worstMemory {
            x += p.text("  worst mem ", x: x, y: 1, .dim)
            p.text(
                "\(ByteFormat.percent(r)) (\(state.instances[i].name))", x: x, y: 1,
                Format.ratioRole(r, warning: state.settings.memoryWarning, critical: state.settings.memoryCritical),
                maxWidth: max(0, p.width - x))
        }
    }

    static func drawRow(
        _ p: inout Painter, _ state: AppState, _ instance: InstanceState, y: Int, cols: [Column], nameWidth: Int,
        outliers: FleetOutliers
    ) {
        let severity = instance.severity
        let isSelected = instance.id == state.selected
        let stale = instance.isStale(now: state.now, settings: state.settings) && instance.status.isUp
        let isDown = !instance.status.isUp && instance.status != .pending
        let g = p.glyphs
        p.clear(x: 0, y: y, width: p.width, isSelected ? .selection : .text)
        func put(_ text: String, _ x: Int, _ width: Int, _ role: Role, alignRight: Bool = false) {
            let r: Role = isSelected ? .selection : (stale && role != .down && role != .critical ? .stale : role)
            var style = p.style(r)
            if isSelected && role != .text && role != .dim {
                style = p.style(.selection)
                style.attributes.insert(.bold)
                if role == .critical || role == .down || role == .warning { style.attributes.insert(.underline) }
            }
            p.text(Cells.fit(text, width, alignRight: alignRight), x: x, y: y, style: style)
        }
        let marker = isSelected ? g.selected : (severity == .ok ? " " : (severity == .warning ? g.warning : g.failing))
        put(marker, 0, 2, Format.role(for: severity))
        put(instance.name, 2, nameWidth, severity == .ok ? .text : Format.role(for: severity))
        var x = 2 + nameWidth + 1
        let r = instance.reading
        for c in cols {
            var text = ""
            var role: Role = .text
            switch c.title {
            case "HEALTH":
                if isDown {
                    if case .down(let failure) = instance.status { text = failure.shortReason }
                    role = .down
                } else if instance.target.sourceKey != nil && instance.health.live == nil {
                    // The source's own scrape works (`up` is 1); svctop does not probe it. Readiness, when the
                    // service exports a gauge for it.
                    let ready = instance.health.isReady.map { " R" + ($0 ? g.ok : g.failing) } ?? ""
                    text = "up" + ready + (instance.health.isDraining ? g.draining : "")
                    role =
                        instance.health.isDraining
                        ? .warning : instance.health.isReady == false ? .critical : .good
                } else if instance.status == .pending {
                    text = "…"
                    role = .dim
                } else {
                    let live = instance.health.isLive.map { $0 ? g.ok : g.failing } ?? g.unknown
                    let ready = instance.health.isReady.map { $0 ? g.ok : g.failing } ?? g.unknown
                    text = "L\(live)R\(ready)" + (instance.health.isDraining ? g.draining : "")
                    role =
                        instance.health.isLive == false
                        ? .down
                        : instance.health.isDraining
                            ? .warning
                            : instance.health.isReady == false ? .critical : .good
                }
            case "GOROUT":
                text = Format.optional(r?.goroutines, ByteFormat.count)
                if instance.isLeakSuspected { text += g.leak }
                role = instance.isLeakSuspected ? .warning : .text
                if outliers.goroutines.contains(instance.id) { role = .outlier }
            case "TREND":
                text = Charts.sparkline(instance.goroutines.lastValues(c.width), width: c.width, glyphs: g)
                role = instance.isLeakSuspected ? .warning : .chartLow
            case "MEMORY":
                if let ratio = instance.memoryRatio {
                    let pct = ByteFormat.percent(ratio)
                    text = Charts.bar(ratio, width: c.width - 5, glyphs: g) + Cells.fit(pct, 5, alignRight: true)
                    role = Format.ratioRole(
                        ratio, warning: state.settings.memoryWarning, critical: state.settings.memoryCritical)
                } else {
                    text = Format.optional(r?.memory, ByteFormat.bytes)
                    role = .text
                }
            case "P50":
                text = Format.optional(instance.latency.p50, ByteFormat.duration)
            case "P99":
                text = Format.optional(instance.latency.p99, ByteFormat.duration)
                if outliers.p99.contains(instance.id) {
                    role = .outlier
                    text = g.outlier + text
                }
            case "REQ/S":
                text = Format.optional(instance.latency.rate, ByteFormat.count)
            case "ERR":
                text = Format.optional(instance.latency.errorRatio, ByteFormat.percent)
                role = Format.ratioRole(
                    instance.latency.errorRatio, warning: state.settings.errorWarning,
                    critical: state.settings.errorCritical)
                if instance.latency.errorRatio == nil { role = .dim }
            case "POOL":
                let ratio = [instance.poolRatio, instance.queueRatio].compactMap { $0 }.max()
                text = Format.optional(ratio, ByteFormat.percent)
                role = Format.ratioRole(
                    ratio, warning: state.settings.poolWarning, critical: state.settings.poolCritical)
            case "DB":
                text = Format.optional(instance.dbRatio, ByteFormat.percent)
                role = Format.ratioRole(
                    instance.dbRatio, warning: state.settings.poolWarning, critical: state.settings.poolCritical)
            case "LEVEL":
                text = instance.logLevel ?? "-"
                role = instance.logLevel == "debug" ? .accent : .dim
                if state.levelReverts[instance.id] != nil { text += "⏲" }
            case "POD":
                (text, role) = podText(instance, now: state.now)
            case "AGE":
                text = Format.age(instance, state)
                role = stale || isDown ? .warning : .dim
                if stale { text = g.stale + text }
            default:
                break
            }
            if isDown && !["HEALTH", "AGE", "LEVEL", "POD"].contains(c.title) { role = .stale }
            put(text, x, c.width, role, alignRight: c.alignRight)
            x += c.width + 1
        }
    }

    /// The POD column: "gone 40s" for a deleted pod, the phase when it is not running, else the last termination
    /// ("OOMKilled 3m ago") while it is recent, else the restart count.
    static func podText(_ instance: InstanceState, now: Double) -> (String, Role) {
        guard let pod = instance.pod else { return ("", .dim) }
        if let gone = instance.podGoneAt {
            let last = pod.lastTermination.map { " \($0.reason)" } ?? ""
            return ("gone \(ByteFormat.span(now - gone))\(last)", .down)
        }
        if pod.isTerminating { return ("terminating", .warning) }
        if pod.phase != "Running" { return (pod.problem == nil ? pod.phase : "no port", .warning) }
        if let end = pod.lastTermination, now - (end.finishedAt ?? now) < 3600, end.reason != "Completed" {
            return (end.text(now: now), end.reason == "OOMKilled" ? .critical : .warning)
        }
        if pod.problem != nil { return ("no port", .warning) }
        return (pod.restarts == 0 ? "Running" : "Running ↻\(pod.restarts)", pod.restarts == 0 ? .dim : .text)
    }
}
