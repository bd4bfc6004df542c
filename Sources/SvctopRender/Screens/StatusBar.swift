import SvctopCore

/// The bottom line: target count, interval, last refresh, read-only mode, a message, and key hints from the key map.
enum StatusBar {
    static func draw(_ p: inout Painter, _ state: AppState) {
        let y = p.height - 1
        p.clear(x: 0, y: y, width: p.width, .statusBar)
        var x = 0
        if let replay = state.replay {
            let mode = replay.isPaused ? "paused" : "\(ByteFormat.trimmed(replay.speed))x"
            x += p.text(" REPLAY \(ReplayStatus.clock(replay.time)) \(mode) ", x: x, y: y, .statusKey)
            if let prompt = replay.prompt {
                p.text(
                    "│ jump to (HH:MM[:SS], +5m, -30s; empty: next warning): \(prompt)▏", x: x, y: y, .statusBar,
                    maxWidth: p.width - x)
                return
            }
        }
        let lastRefresh = state.instances.compactMap(\.lastSuccess).max()
        let refreshed = lastRefresh.map { "refreshed \(ByteFormat.span(state.now - $0)) ago" } ?? "waiting for data"
        let interval =
            state.settings.interval < 1
            ? "\(Int(state.settings.interval * 1000))ms" : "\(ByteFormat.oneDecimalTrimmed(state.settings.interval))s"
        if let source = state.source {
            let host = source.url.split(separator: "/").dropFirst().first.map(String.init) ?? source.url
            let age =
                source.lastRefresh.map { "refreshed \(ByteFormat.span(state.now - $0)) ago" }
                ?? "waiting for the server"
            // A problem needs the room: the server's words, verbatim, come right after the server's name.
            let detail =
                source.problem == nil
                ? "· \(state.instances.count) instances · every \(interval)\(source.configuration?.isAssumed == true ? " (assumed: no series to measure)" : "") · \(age) "
                : ""
            x += p.text(
                " prometheus \(host) \(detail)", x: x, y: y, source.error == nil ? .statusBar : .statusKey)
        } else if let k8s = state.kubernetes {
            let pods = state.instances.indices.filter { state.instances[$0].podGoneAt == nil }.count
            let waiting = k8s.isListed ? "" : "· listing pods… "
            x += p.text(
                " k8s \(k8s.context) · \(pods) pods\(k8s.via == .portForward ? " via port-forward" : "") · every \(interval) · \(refreshed) \(waiting)",
                x: x, y: y,
                k8s.error == nil ? .statusBar : .statusKey)
        } else {
            x += p.text(" \(state.instances.count) targets · every \(interval) · \(refreshed) ", x: x, y: y, .statusBar)
        }
        if state.settings.isReadOnly { x += p.text("READ-ONLY ", x: x, y: y, .statusKey) }
        if let loading = state.loadingDump {
            x += p.text(
                "fetching dump (debug=\(loading.debugLevel)) from \(state.instance(loading.instance)?.name ?? "?") for \(ByteFormat.span(state.now - loading.since))… ",
                x: x, y: y, .statusKey)
        }
        if let loading = state.loadingProfile {
            let who = state.instance(loading.instance)?.name ?? "?"
            let elapsed = Int(state.now - loading.since)
            let progress =
                loading.kind == .cpu
                ? (elapsed < loading.seconds
                    ? "\(elapsed)s of \(loading.seconds)s" : "\(loading.seconds)s taken, waiting for the answer")
                : "for \(elapsed)s"
            x += p.text("\(loading.kind.title) of \(who): \(progress)… ", x: x, y: y, .statusKey)
        }
        if !state.pendingActions.isEmpty {
            x += p.text("\(state.pendingActions.count) action(s) pending… ", x: x, y: y, .statusKey)
        }
        if let m = state.message {
            let role: Role = m.level == .error ? .critical : (m.level == .success ? .good : .statusBar)
            var style = p.style(role)
            style.background = p.style(.statusBar).background
            p.text("│ " + m.text, x: x, y: y, style: style, maxWidth: p.width - x)
            return
        }
        if let problem = state.source?.problem ?? state.kubernetes?.error {
            var style = p.style(.critical)
            style.background = p.style(.statusBar).background
            p.text("│ " + problem, x: x, y: y, style: style, maxWidth: p.width - x)
            return
        }
        let hints: [(Action, String)]
        switch state.view {
        case .fleet:
            hints = [
                (.help, "help"), (.open, "open"), (.filter, "filter"), (.sortNext, "sort"), (.fetchDump, "dump"),
                (.chooseLogLevel, "level"), (.drain, "drain"), (.quit, "quit"),
            ]
        case .instance:
            hints = [
                (.back, "back"), (.toggleHandlers, "handlers"), (.fetchDump, "dump"), (.chooseLogLevel, "level"),
                (.drain, "drain"), (.undrain, "undrain"), (.cpuProfile, "cpu"), (.heapProfile, "heap"),
                (.help, "help"),
            ]
        case .dump:
            hints = [
                (.back, "back"), (.open, "expand"), (.search, "search"), (.compareDump, "compare"),
                (.toggleGrouping, "grouping"), (.saveDump, "save"),
            ]
        case .pprof:
            hints = [
                (.back, "back"), (.peek, "callers/callees"), (.profileOrder, "flat/cum"), (.sampleType, "type"),
                (.search, "search"), (.compareProfile, "compare"), (.saveProfile, "save"),
            ]
        case .help:
            hints = [(.back, "back"), (.quit, "quit")]
        }
        for (action, label) in hints {
            guard let key = state.keyMap.key(for: action, in: state.keyContext) else { continue }
            let keyText = key.description
            guard x + keyText.count + label.count + 2 < p.width else { break }
            x += p.text(keyText, x: x, y: y, .statusKey)
            x += p.text(":\(label) ", x: x, y: y, .statusBar)
        }
    }
}

extension ByteFormat {
    static func oneDecimalTrimmed(_ v: Double) -> String {
        v == v.rounded() ? "\(Int(v))" : ByteFormat.duration(v).replacingOccurrences(of: "s", with: "")
    }
}
