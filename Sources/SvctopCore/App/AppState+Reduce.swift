import Foundation

extension AppState {
    /// Applies one event at time `now` and returns the effects to perform. Pure: no I/O, no clock reads.
    public mutating func reduce(_ event: Event, now: Double) -> [Effect] {
        self.now = now
        let effects = apply(event)
        switch event {
        case .scrapeCompleted(let id, _), .probeCompleted(let id, _, _), .actionCompleted(let id, _, _):
            if instances.indices.contains(id) { refreshAssessment(id) }
        case .ticked:
            for id in instances.indices { refreshAssessment(id) }
        default:
            break
        }
        return effects
    }

    mutating func apply(_ event: Event) -> [Effect] {
        switch event {
        case .keyPressed(let key):
            return handleKey(key)
        case .resized(let width, let height):
            self.width = max(1, width)
            self.height = max(1, height)
            clampScrolls()
            return []
        case .ticked:
            return tick()
        case .scrapeCompleted(let id, let outcome):
            guard instances.indices.contains(id) else { return [] }
            switch outcome {
            case .success(let metrics, let duration):
                instances[id].ingest(metrics, duration: duration, now: now, settings: settings)
            case .failure(let failure, _):
                instances[id].recordFailure(failure, now: now)
            }
            updateDrainProgress(id)
            return []
        case .probeCompleted(let id, let kind, let result):
            guard instances.indices.contains(id) else { return [] }
            instances[id].health.record(kind, result, now: now)
            if kind == .readiness {
                let mentionsDrain = result.detail.lowercased().contains("drain")
                if !result.isPassing && mentionsDrain {
                    instances[id].health.isDraining = true
                } else if result.isPassing && (instances[id].drain == nil || instances[id].drain?.phase == .failed) {
                    instances[id].health.isDraining = (instances[id].reading?.drainingGauge ?? 0) > 0
                }
            }
            updateDrainProgress(id)
            return []
        case .logLevelRead(let id, let level, let error):
            guard instances.indices.contains(id) else { return [] }
            if let level { instances[id].logLevel = level }
            instances[id].logLevelError = error
            return []
        case .actionCompleted(let id, let kind, let result):
            return actionCompleted(id, kind, result)
        case .dumpLoaded(let id, let debugLevel, let raw, let dump, let fetchedAt):
            loadingDump = nil
            var view = DumpViewState(instance: id, debugLevel: debugLevel, fetchedAt: fetchedAt, raw: raw, dump: dump)
            view.updateMatches()
            dumpView = view
            storedDumps.append(StoredDump(instance: id, fetchedAt: fetchedAt, dump: dump))
            let mine = storedDumps.filter { $0.instance == id }
            if mine.count > 2, let oldest = mine.first {
                storedDumps.removeAll { $0.instance == id && $0.fetchedAt == oldest.fetchedAt }
            }
            if storedDumps.count > 16 { storedDumps.removeFirst(storedDumps.count - 16) }
            if view.dump.total == 0 && view.dump.skippedLines > 0 {
                setMessage("the dump from \(name(id)) could not be parsed (\(view.dump.skippedLines) lines skipped)", .error)
            }
            if self.view != .dump { views.append(.dump) }
            return []
        case .dumpFailed(let id, let debugLevel, let reason):
            loadingDump = nil
            setMessage("goroutine dump (debug=\(debugLevel)) from \(name(id)) failed: \(reason)", .error)
            return []
        case .dumpRegrouped(let id, let fetchedAt, let dump):
            guard var view = dumpView, view.instance == id, view.fetchedAt == fetchedAt else { return [] }
            view.dump = dump
            view.isRegrouping = false
            view.cursor = 0
            view.scroll = 0
            view.expanded = []
            view.comparison = nil
            view.updateMatches()
            dumpView = view
            setMessage("grouping: \(dump.mode.rawValue) (\(dump.groups.count) groups)", .info)
            return []
        case .dumpSaved(let path, let error):
            if let path {
                dumpView?.savedPath = path
                setMessage("saved dump to \(path)", .success)
            } else {
                setMessage("could not save the dump: \(error ?? "unknown error")", .error)
            }
            return []
        }
    }

    func name(_ id: InstanceID) -> String { instance(id)?.name ?? "instance \(id)" }

    mutating func setMessage(_ text: String, _ level: StatusMessage.Level) {
        message = StatusMessage(text: text, level: level, time: now)
    }

    // MARK: - Ticks

    mutating func tick() -> [Effect] {
        var effects: [Effect] = []
        if let m = message, now - m.time > 8 { message = nil }
        for (id, revert) in levelReverts where now >= revert.at {
            levelReverts[id] = nil
            if !settings.isReadOnly {
                effects.append(.setLogLevel(id, level: revert.level, previous: instances[id].logLevel, reason: "timed revert"))
                pendingActions[id] = (.setLogLevel(revert.level), now)
            }
        }
        for id in instances.indices { updateDrainProgress(id) }
        return effects
    }

    mutating func updateDrainProgress(_ id: InstanceID) {
        guard var progress = instances[id].drain, !progress.isFinished, progress.phase != .requested else { return }
        let instance = instances[id]
        let inflight = instance.reading?.inflight
        if progress.phase == .accepted, instance.health.isReady == false {
            progress.phase = .readinessFailing
            progress.updatedAt = now
        }
        if progress.phase == .readinessFailing || progress.phase == .inflightFalling {
            if let inflight {
                if inflight <= 0 {
                    progress.phase = .drained
                    progress.updatedAt = now
                } else if let start = progress.inflightAtStart, inflight < start, progress.phase != .inflightFalling {
                    progress.phase = .inflightFalling
                    progress.updatedAt = now
                }
            } else if instance.health.isReady == false {
                // No in-flight gauge: readiness failing is as far as svctop can observe.
                progress.phase = .drained
                progress.updatedAt = now
            }
        }
        if !progress.isFinished && now - progress.startedAt > settings.drainTimeout {
            progress.phase = .timedOut
            progress.message = "drain did not complete within \(Int(settings.drainTimeout))s"
            progress.updatedAt = now
            setMessage("\(instance.name): \(progress.message)", .error)
        }
        instances[id].drain = progress
    }

    // MARK: - Keys

    mutating func handleKey(_ key: Key) -> [Effect] {
        if dialog != nil { return handleDialogKey(key) }
        if isEditingFilter { return handleFilterKey(key) }
        if dumpView?.isEditingSearch == true, view == .dump { return handleSearchKey(key) }
        if key == .ctrl("c") { return requestQuit() }
        guard let action = keyMap.action(for: key, in: keyContext) else { return [] }
        return perform(action)
    }

    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .quit:
            if view == .fleet { return requestQuit() }
            return perform(.back)
        case .back:
            if views.count > 1 { views.removeLast() }
            return []
        case .help:
            helpScroll = 0
            views.append(.help)
            return []
        case .suspend:
            return [.suspend]
        case .moveUp: moveCursor(-1)
        case .moveDown: moveCursor(1)
        case .pageUp: moveCursor(-pageSize)
        case .pageDown: moveCursor(pageSize)
        case .moveHome: moveCursor(-1_000_000)
        case .moveEnd: moveCursor(1_000_000)
        case .open:
            if view == .fleet, let id = selected {
                views.append(.instance(id))
            } else if view == .dump, var d = dumpView, d.rowCount > 0 {
                if d.expanded.contains(d.cursor) { d.expanded.remove(d.cursor) } else { d.expanded.insert(d.cursor) }
                dumpView = d
            }
        case .filter:
            isEditingFilter = true
        case .sortNext:
            let all = SortColumn.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            isSortReversed = false
            setMessage("sorted by \(sort.title)", .info)
        case .sortReverse:
            isSortReversed.toggle()
            setMessage("sorted by \(sort.title)\(isSortReversed ? " (reversed)" : "")", .info)
        case .toggleHandlers:
            showHandlers.toggle()
        case .fetchDump:
            return requestDump(debugLevel: 1)
        case .fetchFullDump:
            guard let id = focusedInstance else { return [] }
            dialog = Dialog(kind: .fullDump(id))
        case .chooseLogLevel:
            guard !settings.isReadOnly, let id = focusedInstance else { return [] }
            dialog = Dialog(kind: .chooseLevel([id]))
        case .chooseLogLevelForAll:
            guard !settings.isReadOnly else { return [] }
            let ids = visibleInstances().filter { instances[$0].status.isUp }
            guard !ids.isEmpty else {
                setMessage("no instance is up to change", .error)
                return []
            }
            dialog = Dialog(kind: .chooseLevel(ids))
        case .drain:
            guard !settings.isReadOnly, let id = focusedInstance else { return [] }
            dialog = Dialog(kind: .drain([id]), guardRefusal: drainGuard([id]))
        case .undrain:
            guard !settings.isReadOnly, let id = focusedInstance else { return [] }
            dialog = Dialog(kind: .undrain([id]))
        case .saveDump:
            guard let d = dumpView else { return [] }
            return [.saveDump(d.instance, debugLevel: d.debugLevel, fetchedAt: d.fetchedAt, raw: d.raw)]
        case .compareDump:
            compareDump()
        case .toggleGrouping:
            guard var d = dumpView, !d.isRegrouping else { return [] }
            d.isRegrouping = true
            dumpView = d
            let mode: GroupingMode = d.dump.mode == .loose ? .exact : .loose
            return [.regroupDump(d.instance, fetchedAt: d.fetchedAt, raw: d.raw, mode: mode)]
        case .search:
            dumpView?.isEditingSearch = true
        case .nextMatch: jumpToMatch(forward: true)
        case .previousMatch: jumpToMatch(forward: false)
        }
        return []
    }

    var pageSize: Int {
        switch view {
        case .dump: return max(1, dumpBodyHeight - 1)
        default: return max(1, fleetBodyHeight - 1)
        }
    }

    mutating func moveCursor(_ delta: Int) {
        switch view {
        case .fleet, .instance:
            let rows = visibleInstances()
            guard !rows.isEmpty else { return }
            let current = selected.flatMap { rows.firstIndex(of: $0) } ?? 0
            let next = min(rows.count - 1, max(0, current + delta))
            selected = rows[next]
            if case .instance = view { views[views.count - 1] = .instance(rows[next]) }
            if next < fleetScroll { fleetScroll = next }
            if next >= fleetScroll + fleetBodyHeight { fleetScroll = next - fleetBodyHeight + 1 }
        case .dump:
            guard var d = dumpView, d.rowCount > 0 else { return }
            d.cursor = min(d.rowCount - 1, max(0, d.cursor + delta))
            dumpView = d
        case .help:
            helpScroll = max(0, helpScroll + delta)
        }
    }

    mutating func clampScrolls() {
        let rows = visibleInstances()
        fleetScroll = min(fleetScroll, max(0, rows.count - fleetBodyHeight))
        if let id = selected, let index = rows.firstIndex(of: id) {
            if index < fleetScroll { fleetScroll = index }
            if index >= fleetScroll + fleetBodyHeight { fleetScroll = index - fleetBodyHeight + 1 }
        }
    }

    mutating func requestQuit() -> [Effect] {
        let changed = changedLevels.filter { instances[$0.key].logLevel != $0.value }
        if !changed.isEmpty && !settings.isReadOnly && dialog == nil {
            dialog = Dialog(kind: .restoreLevelsOnQuit)
            return []
        }
        isQuitting = true
        return [.quit]
    }

    mutating func handleFilterKey(_ key: Key) -> [Effect] {
        switch key {
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            filter = ""
        case .backspace:
            if !filter.isEmpty { filter.removeLast() }
        case .char(let c):
            filter.append(c)
        case .ctrl("u"):
            filter = ""
        default:
            break
        }
        let rows = visibleInstances()
        if let id = selected, rows.contains(id) {
        } else {
            selected = rows.first
        }
        fleetScroll = 0
        clampScrolls()
        return []
    }

    mutating func handleSearchKey(_ key: Key) -> [Effect] {
        guard var d = dumpView else { return [] }
        switch key {
        case .enter:
            d.isEditingSearch = false
        case .escape:
            d.isEditingSearch = false
            d.search = ""
        case .backspace:
            if !d.search.isEmpty { d.search.removeLast() }
        case .char(let c):
            d.search.append(c)
        default:
            break
        }
        d.updateMatches()
        if let first = d.matches.first(where: { $0 >= d.cursor }) ?? d.matches.first { d.cursor = first }
        dumpView = d
        return []
    }

    mutating func jumpToMatch(forward: Bool) {
        guard var d = dumpView, !d.matches.isEmpty else {
            if dumpView?.search.isEmpty == false { setMessage("no match for \"\(dumpView!.search)\"", .info) }
            return
        }
        if forward {
            d.cursor = d.matches.first { $0 > d.cursor } ?? d.matches[0]
        } else {
            d.cursor = d.matches.last { $0 < d.cursor } ?? d.matches[d.matches.count - 1]
        }
        dumpView = d
    }

    mutating func requestDump(debugLevel: Int) -> [Effect] {
        guard let id = focusedInstance else { return [] }
        if let loading = loadingDump {
            setMessage("already fetching a dump from \(name(loading.instance))", .info)
            return []
        }
        loadingDump = (id, debugLevel, now)
        return [.fetchDump(id, debugLevel: debugLevel)]
    }

    mutating func compareDump() {
        guard var d = dumpView else { return }
        if d.comparison != nil {
            d.comparison = nil
            d.comparedWith = nil
            d.cursor = 0
            d.updateMatches()
            dumpView = d
            return
        }
        let earlier = storedDumps.last { $0.instance == d.instance && $0.fetchedAt < d.fetchedAt }
            ?? storedDumps.last { $0.instance != d.instance }
        guard let base = earlier else {
            setMessage("no earlier dump to compare with: press g again later to take a second one", .info)
            return
        }
        d.comparison = DumpComparison.compare(before: base.dump, at: base.fetchedAt, after: d.dump, at: d.fetchedAt)
        let ago = ByteFormat.span(d.fetchedAt - base.fetchedAt)
        d.comparedWith = base.instance == d.instance ? "dump taken \(ago) earlier" : "dump of \(name(base.instance))"
        d.cursor = 0
        d.expanded = []
        d.updateMatches()
        dumpView = d
    }

    // MARK: - Dialogs

    /// Why draining these instances must be refused without an override, or nil when it is safe.
    public func drainGuard(_ ids: [InstanceID]) -> String? {
        let ready = Set(readyInstances)
        let after = ready.subtracting(ids)
        if !ready.isEmpty && after.isEmpty {
            return "it would leave no ready instance in the fleet"
        }
        let total = instances.count
        guard total > 0 else { return nil }
        let notServing = total - after.count
        let share = Double(notServing) / Double(total)
        if share > settings.maxDrainShare {
            return "it would leave \(after.count) of \(total) instances ready (more than \(ByteFormat.percent(settings.maxDrainShare)) out of service)"
        }
        return nil
    }

    mutating func handleDialogKey(_ key: Key) -> [Effect] {
        guard var d = dialog else { return [] }
        switch d.kind {
        case .chooseLevel(let ids):
            let levels: [Character: String] = ["d": "debug", "i": "info", "w": "warn", "e": "error",
                                               "1": "debug", "2": "info", "3": "warn", "4": "error"]
            if case .char(let c) = key, let level = levels[c] {
                dialog = Dialog(kind: .setLevel(ids, level: level, revertAfter: nil))
            } else if key == .char("t") {
                dialog = Dialog(kind: .setLevel(ids, level: "debug", revertAfter: 600))
            } else {
                dialog = nil
            }
            return []
        case .setLevel(let ids, let level, let revertAfter):
            dialog = nil
            guard key == .char("y") else {
                return ids.map { .recordRefusal($0, action: .setLogLevel(level), reason: "cancelled") }
            }
            var effects: [Effect] = []
            for id in ids {
                let previous = instances[id].logLevel
                if let previous, changedLevels[id] == nil { changedLevels[id] = previous }
                if let revertAfter, let previous {
                    levelReverts[id] = (previous, now + revertAfter)
                } else {
                    levelReverts[id] = nil
                }
                pendingActions[id] = (.setLogLevel(level), now)
                effects.append(.setLogLevel(id, level: level, previous: previous, reason: revertAfter == nil ? "manual" : "timed"))
            }
            return effects
        case .drain(let ids):
            if d.needsOverride {
                if key == .char("O") {
                    d.isOverridden = true
                    dialog = d
                    return []
                }
                dialog = nil
                return ids.map { .recordRefusal($0, action: .drain, reason: "refused by guard rail: \(d.guardRefusal!)") }
            }
            dialog = nil
            guard key == .char("y") else { return ids.map { .recordRefusal($0, action: .drain, reason: "cancelled") } }
            for id in ids {
                instances[id].drain = DrainProgress(
                    phase: .requested, startedAt: now, updatedAt: now, inflightAtStart: instances[id].reading?.inflight,
                    message: "drain requested")
                pendingActions[id] = (.drain, now)
            }
            return ids.map { .drain($0, override: d.isOverridden) }
        case .undrain(let ids):
            dialog = nil
            guard key == .char("y") else { return ids.map { .recordRefusal($0, action: .undrain, reason: "cancelled") } }
            for id in ids { pendingActions[id] = (.undrain, now) }
            return ids.map { .undrain($0) }
        case .fullDump:
            dialog = nil
            guard key == .char("y") else { return [] }
            return requestDump(debugLevel: 2)
        case .restoreLevelsOnQuit:
            dialog = nil
            switch key {
            case .char("y"):
                isQuitting = true
                var effects: [Effect] = []
                for (id, level) in changedLevels.sorted(by: { $0.key < $1.key }) where instances[id].logLevel != level {
                    effects.append(.setLogLevel(id, level: level, previous: instances[id].logLevel, reason: "restore on exit"))
                }
                changedLevels = [:]
                return effects + [.quit]
            case .char("n"):
                isQuitting = true
                return [.quit]
            default:
                return []
            }
        }
    }

    // MARK: - Action results

    mutating func actionCompleted(_ id: InstanceID, _ kind: ActionKind, _ result: ActionResult) -> [Effect] {
        guard instances.indices.contains(id) else { return [] }
        pendingActions[id] = nil
        let who = instances[id].name
        switch kind {
        case .setLogLevel(let level):
            if case .succeeded(_, let body) = result {
                instances[id].logLevel = LogLevelBody.level(from: body) ?? level
                let revert = levelReverts[id].map { " (back to \($0.level) in \(ByteFormat.span($0.at - now)))" } ?? ""
                setMessage("\(who): log level is now \(instances[id].logLevel ?? level)\(revert)", .success)
            } else {
                levelReverts[id] = nil
                setMessage("\(who): setting log level to \(level) failed: \(result.summary)", .error)
            }
        case .drain:
            if result.isSuccess {
                instances[id].drain?.phase = .accepted
                instances[id].drain?.updatedAt = now
                instances[id].drain?.message = "drain accepted"
                instances[id].health.isDraining = true
                setMessage("\(who): drain accepted (\(result.summary))", .success)
                updateDrainProgress(id)
            } else {
                instances[id].drain?.phase = .failed
                instances[id].drain?.message = result.summary
                setMessage("\(who): drain failed: \(result.summary)", .error)
            }
        case .undrain:
            if result.isSuccess {
                instances[id].drain = nil
                instances[id].health.isDraining = false
                setMessage("\(who): undrain accepted (\(result.summary))", .success)
            } else {
                setMessage("\(who): undrain failed: \(result.summary)", .error)
            }
        }
        return []
    }
}

/// Reads zap's AtomicLevel handler bodies: `{"level":"info"}` and `{"error":"..."}`.
public enum LogLevelBody {
    /// The level in a `{"level":"..."}` body.
    public static func level(from body: String) -> String? { field("level", in: body) }
    /// The message in a `{"error":"..."}` body.
    public static func error(from body: String) -> String? { field("error", in: body) }

    static func field(_ name: String, in body: String) -> String? {
        guard let keyRange = body.range(of: "\"\(name)\"") else { return nil }
        var rest = body[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        var out = ""
        var escaped = false
        for c in rest {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                return out
            } else {
                out.append(c)
            }
        }
        return nil
    }
}
