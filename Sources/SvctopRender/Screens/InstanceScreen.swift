import SvctopCore

/// One instance's full picture: tasks, memory, latency, pools, health and GC panels with history charts.
enum InstanceScreen {
    static func draw(_ p: inout Painter, _ state: AppState, _ id: InstanceID) {
        guard let instance = state.instance(id) else { return }
        drawHeader(&p, state, instance)
        let top = 2
        let bottom = p.height - 1
        let available = bottom - top
        let panels: [(inout Painter, Rect) -> Void] = [
            { tasks(&$0, $1, state, instance) },
            { memory(&$0, $1, state, instance) },
            { state.showHandlers ? handlers(&$0, $1, state, instance) : latency(&$0, $1, state, instance) },
            { pools(&$0, $1, state, instance) },
            { health(&$0, $1, state, instance) },
            { gc(&$0, $1, state, instance) },
        ]
        let columns = p.width >= 150 ? 3 : 2
        let rows = (panels.count + columns - 1) / columns
        let rowHeight = max(4, available / rows)
        let colWidth = p.width / columns
        for (i, panel) in panels.enumerated() {
            let row = i / columns
            let col = i % columns
            let y = top + row * rowHeight
            let h = row == rows - 1 ? bottom - y : rowHeight
            let w = col == columns - 1 ? p.width - col * colWidth : colWidth
            guard h >= 3 else { continue }
            panel(&p, Rect(x: col * colWidth, y: y, width: w, height: h))
        }
    }

    static func drawHeader(_ p: inout Painter, _ state: AppState, _ instance: InstanceState) {
        let (severity, reasons) = (instance.severity, instance.reasons)
        p.clear(x: 0, y: 0, width: p.width)
        var x = p.text(instance.name, x: 0, y: 0, .title)
        if let pod = instance.pod {
            // Kubernetes' view of the pod: where it runs, its phase, restarts and how its container last ended.
            var facts = ["pod \(pod.namespace)/\(pod.name)"]
            if let node = pod.node { facts.append("on \(node)") }
            facts.append(instance.podGoneAt.map { "deleted \(ByteFormat.span(state.now - $0)) ago" } ?? pod.phase)
            if instance.podGoneAt == nil { facts.append(pod.isReady ? "ready" : "not ready") }
            facts.append("restarts \(pod.restarts)")
            if let end = pod.lastTermination { facts.append("last \(end.text(now: state.now)), exit \(end.exitCode)") }
            if let problem = pod.problem { facts.append(problem) }
            x += p.text("  " + facts.joined(separator: " · "), x: x, y: 0, .dim, maxWidth: p.width - x - 20)
        } else {
            x += p.text("  \(instance.target.baseURL)", x: x, y: 0, .dim)
        }
        x += p.text("  profile \(instance.target.profile.name)", x: x, y: 0, .dim)
        let stale = instance.isStale(now: state.now, settings: state.settings)
        let ageText = "data " + Format.age(instance, state) + (stale ? " old (stale)" : " old")
        p.text(ageText, x: max(x + 2, p.width - CharacterWidth.of(ageText)), y: 0, stale ? .warning : .dim)
        p.clear(x: 0, y: 1, width: p.width)
        var y1 = p.text(severity == .ok ? "OK " : "\(severity) ".uppercased(), x: 0, y: 1, Format.role(for: severity))
        let summary = reasons.isEmpty ? "no problems seen" : reasons.joined(separator: " · ")
        let reserve = instance.restarts > 0 ? 32 : 0
        y1 += p.text(
            summary, x: y1, y: 1, severity == .ok ? .good : Format.role(for: severity), maxWidth: p.width - y1 - reserve
        )
        if instance.restarts > 0, let at = instance.lastRestart {
            p.text(
                "restarts \(instance.restarts) (last \(ByteFormat.span(state.now - at)) ago)",
                x: max(y1 + 1, p.width - 30), y: 1, .warning)
        }
    }

    /// Draws a labelled history chart in the remaining rows of a panel, with min/max labels.
    static func chart(
        _ p: inout Painter, _ r: Rect, y: Int, series: TimeSeries, format: (Double) -> String, role: Role,
        window: Double, now: Double, floorAtZero: Bool = true
    ) {
        chart(&p, r, y: y, series: [(series, role)], format: format, window: window, now: now, floorAtZero: floorAtZero)
    }

    /// Draws several series on one scale (drawn in order, the last on top), with min/max labels over all of them.
    static func chart(
        _ p: inout Painter, _ r: Rect, y: Int, series: [(TimeSeries, Role)], format: (Double) -> String, window: Double,
        now: Double, floorAtZero: Bool = true
    ) {
        let height = r.y + r.height - y
        guard height >= 1, r.width > 12 else { return }
        let values = series.map { $0.0.points(since: now - window).map(\.value) }
        let all = values.flatMap { $0 }
        guard let smallest = all.min(), let largest = all.max() else {
            p.text("no history yet", x: r.x + 1, y: y, .dim)
            return
        }
        let lo = floorAtZero ? min(0, smallest) : smallest
        let hi = max(largest, lo + 1e-9)
        let labelWidth = 7
        let rows = Charts.multiLineChart(
            values, width: r.width - labelWidth - 1, height: height, lo: lo, hi: hi, glyphs: p.glyphs)
        for (i, row) in rows.enumerated() {
            // One run of text per colour.
            var x = r.x + labelWidth + 1
            var start = 0
            while start < row.count {
                var end = start + 1
                while end < row.count && row[end].series == row[start].series { end += 1 }
                let text = String(String.UnicodeScalarView(row[start..<end].map(\.glyph)))
                p.text(text, x: x, y: y + i, row[start].series.map { series[$0].1 } ?? series[0].1)
                x += end - start
                start = end
            }
        }
        p.text(Cells.fit(format(largest), labelWidth, alignRight: true), x: r.x, y: y, .dim)
        if height > 1 {
            p.text(Cells.fit(format(smallest), labelWidth, alignRight: true), x: r.x, y: y + height - 1, .dim)
        }
    }

    static func missing(_ p: inout Painter, _ r: Rect, y: Int, _ instance: InstanceState, _ signals: [Signal]) {
        let names = signals.flatMap { instance.target.profile.candidates($0) }
        let text =
            names.isEmpty
            ? "not mapped by profile \(instance.target.profile.name)" : "looked for " + names.joined(separator: ", ")
        var line = y
        for chunk in wrap("no data: " + text, width: r.width - 2) where line < r.y + r.height {
            p.text(chunk, x: r.x + 1, y: line, .dim)
            line += 1
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if CharacterWidth.of(current) + word.count + 1 > width && !current.isEmpty {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    static func window(_ state: AppState, _ r: Rect) -> Double {
        // Show as much history as fits at one point per braille half-column, at least 2 minutes.
        max(120, Double((r.width - 8) * 2) * state.settings.interval)
    }

    // MARK: panels

    static func tasks(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let value = instance.reading?.goroutines.map(ByteFormat.count) ?? "-"
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "Tasks",
            trailing: "\(value) goroutines")
        guard let reading = instance.reading, reading.goroutines != nil else {
            missing(&p, r, y: r.y, instance, [.goroutines])
            return
        }
        var x = p.text("goroutines \(value)", x: r.x + 1, y: r.y)
        if let threads = reading.threads {
            x += p.text("  threads \(ByteFormat.count(threads))", x: r.x + 1 + x, y: r.y, .dim)
        }
        if let t = instance.goroutineTrend {
            let slope = t.slopePerMinute
            let sign = slope >= 0 ? "+" : ""
            p.text(
                "  \(sign)\(ByteFormat.count(slope))/min (fit \(Int((t.fit * 100).rounded()))%)", x: r.x + 1 + x,
                y: r.y, .dim, maxWidth: r.width - x - 2)
        }
        var y = r.y + 1
        if instance.isLeakSuspected {
            let dump = KeyHints.keys(state, .fetchDump, .instance)
            p.text(
                "\(p.glyphs.warning) possible leak: rising steadily, press \(dump) to see which code", x: r.x + 1, y: y,
                .warning, maxWidth: r.width - 2)
            y += 1
        }
        chart(
            &p, r, y: y, series: instance.goroutines, format: ByteFormat.count,
            role: instance.isLeakSuspected ? .chartHigh : .chartLow,
            window: window(state, r), now: state.now, floorAtZero: false)
    }

    static func memory(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let ratio = instance.memoryRatio
        let trailing =
            ratio.map { ByteFormat.percent($0) + " of limit" }
            ?? (instance.reading?.memory.map(ByteFormat.bytes) ?? "-")
        let role = Format.ratioRole(
            ratio, warning: state.settings.memoryWarning, critical: state.settings.memoryCritical)
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "Memory", trailing: trailing,
            trailingRole: ratio == nil ? .dim : role)
        guard let reading = instance.reading, let used = reading.memory else {
            missing(&p, r, y: r.y, instance, [.memory])
            return
        }
        var line = "RSS \(ByteFormat.bytes(used))"
        if let heap = reading.heap { line += "  heap \(ByteFormat.bytes(heap))" }
        line += "  limit " + (reading.memoryLimit.map(ByteFormat.bytes) ?? "unknown")
        if reading.memoryLimit != nil, let metric = reading.sources[.memoryLimit] {
            // Which limit (the one whose crossing ends the process), when it fits.
            var tagged = line + " (\(MemoryLimitSource(metric: metric).tag))"
            if let soft = reading.goSoftLimit { tagged += "  Go soft \(ByteFormat.bytes(soft))" }
            if tagged.count <= r.width - 2 { line = tagged }
        }
        p.text(line, x: r.x + 1, y: r.y, maxWidth: r.width - 2)
        var y = r.y + 1
        if let ratio {
            let barWidth = max(4, r.width - 8)
            p.text(Charts.bar(ratio, width: barWidth, glyphs: p.glyphs), x: r.x + 1, y: y, role)
            p.text(Cells.fit(ByteFormat.percent(ratio), 5, alignRight: true), x: r.x + 2 + barWidth, y: y, role)
            y += 1
        }
        if let oom = instance.oom {
            p.text(
                "OOM in \(oom.text(now: state.now)) at \(oom.rate)", x: r.x + 1, y: y,
                oom.remaining(now: state.now) < 300 ? .critical : .warning, maxWidth: r.width - 2)
            p.text(oom.basis, x: r.x + 1, y: y + 1, .dim, maxWidth: r.width - 2)
            y += 2
        } else if let t = instance.memoryTrend, t.slope > 0, reading.memoryLimit != nil {
            p.text(
                "growing \(ByteFormat.bytes(t.slope * 60))/min, no limit in sight", x: r.x + 1, y: y, .dim,
                maxWidth: r.width - 2)
            y += 1
        } else if reading.memoryLimit == nil {
            p.text(
                "limit unknown (looked for \(instance.target.profile.candidates(.memoryLimit).first ?? "a limit metric"))",
                x: r.x + 1, y: y, .dim, maxWidth: r.width - 2)
            y += 1
        }
        chart(
            &p, r, y: y, series: instance.memory, format: ByteFormat.bytes,
            role: ratio.map { $0 >= state.settings.memoryWarning ? .chartHigh : .chartMid } ?? .chartMid,
            window: window(state, r), now: state.now)
    }

    static func latency(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let l = instance.latency
        let trailing = l.p99.map { "p99 " + ByteFormat.duration($0) } ?? ""
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height,
            title: "Latency (\(Int(state.settings.latencyWindow))s)", trailing: trailing)
        guard instance.reading?.histogram != nil || instance.reading?.sources[.latency] != nil else {
            missing(&p, r, y: r.y, instance, [.latency])
            return
        }
        // The quantile labels double as the chart's legend: each in its line's colour.
        var qx = r.x + 1
        for (name, value, role) in [
            ("p50", l.p50, Role.chartLow), ("p90", l.p90, .chartMid), ("p99", l.p99, .chartHigh),
        ] {
            qx += p.text(name, x: qx, y: r.y, role, maxWidth: max(0, r.x + r.width - 1 - qx))
            qx += p.text(
                " \(Format.optional(value, ByteFormat.duration))  ", x: qx, y: r.y,
                maxWidth: max(0, r.x + r.width - 1 - qx))
        }
        var x = p.text(
            "req/s \(Format.optional(l.rate, ByteFormat.count))  errors ", x: r.x + 1, y: r.y + 1, maxWidth: r.width - 2
        )
        x += p.text(
            Format.optional(l.errorRatio, ByteFormat.percent), x: r.x + 1 + x, y: r.y + 1,
            Format.ratioRole(l.errorRatio, warning: state.settings.errorWarning, critical: state.settings.errorCritical)
        )
        if instance.hasHandlerBreakdown {
            p.text("  h: per handler", x: r.x + 1 + x, y: r.y + 1, .dim, maxWidth: r.width - x - 2)
        }
        if l.p99 == nil && l.rate != nil { p.text("no requests in the window", x: r.x + 1, y: r.y + 2, .dim) }
        chart(
            &p, r, y: r.y + 2 + (l.p99 == nil && l.rate != nil ? 1 : 0),
            series: [(instance.p50, .chartLow), (instance.p90, .chartMid), (instance.p99, .chartHigh)],
            format: ByteFormat.duration,
            window: window(state, r), now: state.now)
    }

    static func handlers(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let fromSource = instance.target.sourceKey != nil
        let asked = instance.sourceHandlers.map { " · the server's, \(ByteFormat.span(state.now - $0.time)) ago" } ?? ""
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "Latency by handler",
            trailing: "h: back" + (fromSource ? asked : ""))
        let handlers = instance.handlers
        guard !handlers.isEmpty else {
            let label = instance.target.profile.handlerLabel
            let text =
                fromSource && instance.sourceHandlers == nil
                ? "asking the server for the latency by '\(label)'…"
                : "no '\(label)' label on the latency histogram" + (fromSource ? " in the server's series" : "")
            p.text(text, x: r.x + 1, y: r.y, .dim, maxWidth: r.width - 2)
            return
        }
        let nameWidth = max(8, r.width - 2 - 4 * 7)
        p.text(
            Cells.fit("HANDLER", nameWidth) + Cells.fit("REQ/S", 7, alignRight: true)
                + Cells.fit("P50", 7, alignRight: true)
                + Cells.fit("P99", 7, alignRight: true) + Cells.fit("ERR", 7, alignRight: true), x: r.x + 1, y: r.y,
            .header)
        for (i, h) in handlers.prefix(r.height - 1).enumerated() {
            let s = h.summary
            let line =
                Cells.fit(h.handler, nameWidth)
                + Cells.fit(Format.optional(s.rate, ByteFormat.count), 7, alignRight: true)
                + Cells.fit(Format.optional(s.p50, ByteFormat.duration), 7, alignRight: true)
                + Cells.fit(Format.optional(s.p99, ByteFormat.duration), 7, alignRight: true)
                + Cells.fit(Format.optional(s.errorRatio, ByteFormat.percent), 7, alignRight: true)
            p.text(
                line, x: r.x + 1, y: r.y + 1 + i,
                (s.errorRatio ?? 0) >= state.settings.errorCritical ? .critical : .text)
        }
    }

    static func pools(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let worst = [instance.poolRatio, instance.queueRatio, instance.dbRatio].compactMap { $0 }.max()
        let role = Format.ratioRole(worst, warning: state.settings.poolWarning, critical: state.settings.poolCritical)
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "Pools",
            trailing: worst.map { ByteFormat.percent($0) + " busiest" } ?? "", trailingRole: role)
        guard let reading = instance.reading else {
            missing(&p, r, y: r.y, instance, [.workersBusy, .dbInUse])
            return
        }
        var y = r.y
        let barWidth = max(4, r.width - 30)
        func gauge(_ label: String, _ value: Double?, _ max: Double?, _ ratio: Double?) {
            guard y < r.y + r.height else { return }
            let numbers = "\(Format.optional(value, ByteFormat.count))/\(Format.optional(max, ByteFormat.count))"
            p.text(Cells.fit(label, 9), x: r.x + 1, y: y, .dim)
            p.text(Cells.fit(numbers, 11, alignRight: true), x: r.x + 10, y: y)
            if let ratio {
                let rr = Format.ratioRole(
                    ratio, warning: state.settings.poolWarning, critical: state.settings.poolCritical)
                p.text(Charts.bar(ratio, width: barWidth, glyphs: p.glyphs), x: r.x + 22, y: y, rr)
                p.text(
                    Cells.fit(ByteFormat.percent(ratio), 5, alignRight: true), x: r.x + 22 + barWidth, y: y, rr,
                    maxWidth: r.x + r.width - (r.x + 22 + barWidth))
            }
            y += 1
        }
        let hasWorkers = reading.workersBusy != nil || reading.queueDepth != nil
        if hasWorkers {
            gauge("workers", reading.workersBusy, reading.workersMax, instance.poolRatio)
            gauge("queue", reading.queueDepth, reading.queueCapacity, instance.queueRatio)
            if y < r.y + r.height {
                p.text(
                    "rejected \(Format.optional(instance.rejectedRate, ByteFormat.count))/s", x: r.x + 1, y: y,
                    (instance.rejectedRate ?? 0) > 0 ? .critical : .dim)
                y += 1
            }
        } else if y < r.y + r.height {
            p.text(
                "workers: looked for \(instance.target.profile.candidates(.workersBusy).joined(separator: ", "))",
                x: r.x + 1, y: y, .dim, maxWidth: r.width - 2)
            y += 1
        }
        if reading.dbInUse != nil {
            gauge("DB conns", reading.dbInUse, reading.dbMaxOpen, instance.dbRatio)
            if y < r.y + r.height {
                let wait = instance.dbAverageWait.map { " avg " + ByteFormat.duration($0) } ?? ""
                p.text(
                    "DB waits \(Format.optional(instance.dbWaitRate, ByteFormat.count))/s\(wait)", x: r.x + 1, y: y,
                    (instance.dbWaitRate ?? 0) > 0 ? .warning : .dim)
                y += 1
            }
        } else if y < r.y + r.height {
            p.text(
                "DB: looked for \(instance.target.profile.candidates(.dbInUse).joined(separator: ", "))", x: r.x + 1,
                y: y, .dim, maxWidth: r.width - 2)
            y += 1
        }
        if y < r.y + r.height, !instance.poolUtilization.isEmpty {
            chart(
                &p, r, y: y, series: instance.poolUtilization, format: ByteFormat.percent, role: .chartMid,
                window: window(state, r), now: state.now)
        }
    }

    static func health(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let h = instance.health
        let g = p.glyphs
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "Health",
            trailing: h.isDraining ? "draining" : (h.isReady == true ? "ready" : h.isReady == false ? "not ready" : ""),
            trailingRole: h.isDraining ? .warning : h.isReady == false ? .critical : .good)
        var y = r.y
        func probe(_ label: String, _ result: ProbeResult?, _ endpoint: Endpoint) {
            guard y < r.y + r.height else { return }
            var x = p.text(Cells.fit(label, 7), x: r.x + 1, y: y, .dim)
            if let result {
                x += p.text(
                    result.isPassing ? g.ok + " passing" : g.failing + " failing", x: r.x + 1 + x, y: y,
                    result.isPassing ? .good : .critical)
                let detail = (result.status.map { " \($0)" } ?? "") + (result.detail.isEmpty ? "" : " \(result.detail)")
                p.text(detail, x: r.x + 1 + x, y: y, .dim, maxWidth: r.width - x - 2)
            } else {
                p.text(
                    "\(g.unknown) no answer yet from \(endpoint.path)", x: r.x + 1 + x, y: y, .dim,
                    maxWidth: r.width - x - 2)
            }
            y += 1
        }
        if instance.target.sourceKey != nil && h.live == nil {
            // A source's instance: its server's scrape is the health svctop knows, and readiness when the service
            // exports a gauge for it.
            let down = instance.status == .down(.sourceDown)
            p.text(Cells.fit("up", 7), x: r.x + 1, y: y, .dim)
            p.text(
                down ? g.failing + " the server cannot scrape it (up 0)" : g.ok + " the server scrapes it (up 1)",
                x: r.x + 8, y: y, down ? .critical : .good, maxWidth: r.width - 9)
            y += 1
            if y < r.y + r.height, let ready = h.ready {
                p.text(Cells.fit("ready", 7), x: r.x + 1, y: y, .dim)
                p.text(
                    (ready.isPassing ? g.ok : g.failing) + " gauge " + ready.detail, x: r.x + 8, y: y,
                    ready.isPassing ? .good : .critical, maxWidth: r.width - 9)
                y += 1
            }
            if y < r.y + r.height {
                p.text("not probed: it comes from the source", x: r.x + 1, y: y, .dim, maxWidth: r.width - 2)
                y += 1
            }
        } else {
            probe("live", h.live, instance.target.profile.endpoints.liveness)
            probe("ready", h.ready, instance.target.profile.endpoints.readiness)
        }
        if y < r.y + r.height, let t = h.lastTransition {
            p.text("last change \(ByteFormat.span(state.now - t)) ago", x: r.x + 1, y: y, .dim)
            y += 1
        }
        if y < r.y + r.height, let failure = h.lastFailure {
            let code = failure.result.status.map { "\($0) " } ?? ""
            p.text(
                "last failure (\(failure.kind.rawValue), \(ByteFormat.span(state.now - failure.time)) ago): \(code)\(failure.result.detail)",
                x: r.x + 1, y: y, .warning, maxWidth: r.width - 2)
            y += 1
        }
        if y < r.y + r.height, let drain = instance.drain {
            let elapsed = ByteFormat.span((drain.isFinished ? drain.updatedAt : state.now) - drain.startedAt)
            let inflight = instance.reading?.inflight.map { ", in-flight \(ByteFormat.count($0))" } ?? ""
            let role: Role =
                drain.phase == .drained
                ? .good : (drain.phase == .failed || drain.phase == .timedOut ? .critical : .warning)
            p.text(
                "drain: \(drainSteps(drain.phase)) (\(elapsed)\(inflight))", x: r.x + 1, y: y, role,
                maxWidth: r.width - 2)
            y += 1
            if drain.phase == .failed || drain.phase == .timedOut, y < r.y + r.height {
                p.text(drain.message, x: r.x + 3, y: y, .critical, maxWidth: r.width - 4)
                y += 1
            }
        }
        if y < r.y + r.height {
            let level = instance.logLevel ?? "unknown"
            var text = "log level \(level)"
            if let revert = state.levelReverts[instance.id] {
                text += " (back to \(revert.level) in \(ByteFormat.span(revert.at - state.now)))"
            }
            if let error = instance.logLevelError, instance.logLevel == nil { text += " (\(error))" }
            p.text(text, x: r.x + 1, y: y, .dim, maxWidth: r.width - 2)
        }
    }

    static func drainSteps(_ phase: DrainProgress.Phase) -> String {
        switch phase {
        case .requested: return "requested…"
        case .accepted: return "accepted → waiting for readiness to fail"
        case .readinessFailing: return "readiness failing → waiting for in-flight to fall"
        case .inflightFalling: return "in-flight falling"
        case .drained: return "drained"
        case .failed: return "failed"
        case .timedOut: return "TIMED OUT"
        }
    }

    static func gc(_ p: inout Painter, _ rect: Rect, _ state: AppState, _ instance: InstanceState) {
        let pauses = instance.reading?.gcPauses ?? [:]
        let r = p.box(
            x: rect.x, y: rect.y, width: rect.width, height: rect.height, title: "GC pauses",
            trailing: pauses[1].map { "max " + ByteFormat.duration($0) } ?? "")
        guard !pauses.isEmpty else {
            missing(&p, r, y: r.y, instance, [.gcDuration])
            return
        }
        let text = pauses.keys.sorted().map { q in
            let label = q == 0 ? "min" : q == 1 ? "max" : "p\(Int((q * 100).rounded()))"
            return "\(label) \(ByteFormat.duration(pauses[q]!))"
        }.joined(separator: "  ")
        p.text(text, x: r.x + 1, y: r.y, maxWidth: r.width - 2)
        if let count = instance.reading?.gcCount {
            p.text("cycles \(ByteFormat.count(count))", x: r.x + 1, y: r.y + 1, .dim)
        }
        if let threads = instance.reading?.threads, r.height > 2 {
            p.text("OS threads \(ByteFormat.count(threads))", x: r.x + 1, y: r.y + 2, .dim)
        }
    }
}
