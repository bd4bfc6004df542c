extension AppState {
    /// Routes a key: an open dialog or a line being edited takes every key; otherwise the key map decides.
    mutating func handleKey(_ key: Key) -> [Effect] {
        if dialog != nil { return handleDialogKey(key) }
        if isEditingFilter { return handleFilterKey(key) }
        if dumpView?.isEditingSearch == true, view == .dump { return handleSearchKey(key) }
        if pprofView?.isEditingSearch == true, view == .pprof { return handleProfileSearchKey(key) }
        if key == .ctrl("c") { return requestQuit() }
        guard let action = keyMap.action(for: key, in: keyContext) else { return [] }
        return perform(action)
    }

    /// Performs a key action of the main contexts (dialogs answer theirs in `handleDialogKey`).
    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .quit:
            if view == .fleet { return requestQuit() }
            return perform(.back)
        case .back:
            if view == .pprof && backFromProfile() { return [] }
            if views.count > 1 { views.removeLast() }
        case .help:
            helpScroll = 0
            views.append(.help)
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
                return historyEffect(for: id) + handlersEffect()
            } else if view == .dump {
                toggleDumpGroup()
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
            return handlersEffect()
        case .fetchDump:
            guard requireAddress(focusedInstance) else { return [] }
            return requestDump(debugLevel: 1)
        case .fetchFullDump:
            guard let id = focusedInstance, requireAddress(id) else { return [] }
            dialog = Dialog(kind: .fullDump(id))
        case .chooseLogLevel:
            guard requireAddress(focusedInstance) else { return [] }
            chooseLogLevel(forAll: false)
        case .chooseLogLevelForAll:
            chooseLogLevel(forAll: true)
        case .drain:
            guard requireAddress(focusedInstance) else { return [] }
            askToDrain()
        case .undrain:
            guard requireAddress(focusedInstance) else { return [] }
            askToUndrain()
        case .saveDump:
            guard let d = dumpView else { return [] }
            return [.saveDump(d.instance, debugLevel: d.debugLevel, fetchedAt: d.fetchedAt, raw: d.raw)]
        case .compareDump:
            compareDump()
        case .toggleGrouping:
            return toggleGrouping()
        case .search:
            if view == .pprof { pprofView?.isEditingSearch = true } else { dumpView?.isEditingSearch = true }
        case .nextMatch:
            if view == .pprof { jumpToProfileMatch(forward: true) } else { jumpToMatch(forward: true) }
        case .previousMatch:
            if view == .pprof { jumpToProfileMatch(forward: false) } else { jumpToMatch(forward: false) }
        case .cpuProfile:
            guard requireAddress(focusedInstance) else { return [] }
            return requestProfile(.cpu)
        case .heapProfile:
            guard requireAddress(focusedInstance) else { return [] }
            return requestProfile(.heap)
        case .peek:
            peekAtSelection()
        case .profileOrder:
            toggleProfileOrder()
        case .sampleType:
            nextSampleType()
        case .saveProfile:
            guard let v = pprofView else { return [] }
            return [.saveProfile(v.instance, kind: v.kind, fetchedAt: v.fetchedAt, raw: v.raw)]
        case .compareProfile:
            compareProfile()
        case .bundle:
            setMessage("writing an incident bundle of the last 30 minutes…", .info)
            return [.writeBundle(since: AppState.bundleSpan)]
        case .confirm, .overrideGuard, .levelDebug, .levelInfo, .levelWarn, .levelError, .levelDebugTimed,
            .quitWithoutRestore, .longerProfile, .shorterProfile:
            // Dialog answers: bound only in dialog contexts, handled by `handleDialogKey`.
            break
        }
        return []
    }

    var pageSize: Int {
        switch view {
        case .dump, .pprof: return max(1, dumpBodyHeight - 1)
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
        case .pprof:
            guard var v = pprofView, v.rowCount > 0 else { return }
            v.cursor = min(v.rowCount - 1, max(0, v.cursor + delta))
            pprofView = v
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

    mutating func handleFilterKey(_ key: Key) -> [Effect] {
        if LineEditor.apply(key, to: &filter) != .editing { isEditingFilter = false }
        let rows = visibleInstances()
        if selected.map({ !rows.contains($0) }) ?? true { selected = rows.first }
        fleetScroll = 0
        clampScrolls()
        return []
    }

    /// Quits, or first asks whether to restore the log levels svctop changed.
    mutating func requestQuit() -> [Effect] {
        if !levelsToRestore.isEmpty && !settings.isReadOnly && dialog == nil {
            dialog = Dialog(kind: .restoreLevelsOnQuit)
            return []
        }
        isQuitting = true
        return [.quit]
    }
}
