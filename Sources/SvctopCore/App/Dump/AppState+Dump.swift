/// Goroutine dumps: fetching, the dump view (expand, search, regroup, save) and comparison with an earlier
/// dump of the same instance.
extension AppState {
    /// How many dumps are kept per instance, and in all, for comparison.
    static let dumpsKeptPerInstance = 2
    static let dumpsKept = 16

    mutating func requestDump(debugLevel: Int) -> [Effect] {
        guard let id = focusedInstance else { return [] }
        if let loading = loadingDump {
            setMessage("already fetching a dump from \(name(loading.instance))", .info)
            return []
        }
        loadingDump = (id, debugLevel, now)
        return [.fetchDump(id, debugLevel: debugLevel)]
    }

    mutating func dumpLoaded(_ id: InstanceID, debugLevel: Int, raw: [UInt8], dump: GoroutineDump, fetchedAt: Double) {
        loadingDump = nil
        var view = DumpViewState(instance: id, debugLevel: debugLevel, fetchedAt: fetchedAt, raw: raw, dump: dump)
        view.updateMatches()
        dumpView = view
        storedDumps.append(StoredDump(instance: id, fetchedAt: fetchedAt, dump: dump))
        let mine = storedDumps.filter { $0.instance == id }
        if mine.count > Self.dumpsKeptPerInstance, let oldest = mine.first {
            storedDumps.removeAll { $0.instance == id && $0.fetchedAt == oldest.fetchedAt }
        }
        if storedDumps.count > Self.dumpsKept { storedDumps.removeFirst(storedDumps.count - Self.dumpsKept) }
        if view.dump.total == 0 && view.dump.skippedLines > 0 {
            setMessage(
                "the dump from \(name(id)) could not be parsed (\(view.dump.skippedLines) lines skipped)", .error)
        }
        if self.view != .dump { views.append(.dump) }
    }

    mutating func dumpRegrouped(_ id: InstanceID, fetchedAt: Double, dump: GoroutineDump) {
        guard var view = dumpView, view.instance == id, view.fetchedAt == fetchedAt else { return }
        view.dump = dump
        view.isRegrouping = false
        view.cursor = 0
        view.scroll = 0
        view.expanded = []
        view.comparison = nil
        view.updateMatches()
        dumpView = view
        setMessage("grouping: \(dump.mode.rawValue) (\(dump.groups.count) groups)", .info)
    }

    mutating func dumpSaved(path: String?, error: String?) {
        if let path {
            dumpView?.savedPath = path
            setMessage("saved dump to \(path)", .success)
        } else {
            setMessage("could not save the dump: \(error ?? "unknown error")", .error)
        }
    }

    mutating func toggleDumpGroup() {
        guard var d = dumpView, d.rowCount > 0 else { return }
        if d.expanded.contains(d.cursor) { d.expanded.remove(d.cursor) } else { d.expanded.insert(d.cursor) }
        dumpView = d
    }

    mutating func toggleGrouping() -> [Effect] {
        guard var d = dumpView, !d.isRegrouping else { return [] }
        d.isRegrouping = true
        dumpView = d
        let mode: GroupingMode = d.dump.mode == .loose ? .exact : .loose
        return [.regroupDump(d.instance, fetchedAt: d.fetchedAt, raw: d.raw, mode: mode)]
    }

    mutating func handleSearchKey(_ key: Key) -> [Effect] {
        guard var d = dumpView else { return [] }
        if LineEditor.apply(key, to: &d.search) != .editing { d.isEditingSearch = false }
        d.updateMatches()
        if let first = d.matches.first(where: { $0 >= d.cursor }) ?? d.matches.first { d.cursor = first }
        dumpView = d
        return []
    }

    mutating func jumpToMatch(forward: Bool) {
        guard var d = dumpView, !d.matches.isEmpty else {
            if let search = dumpView?.search, !search.isEmpty { setMessage("no match for \"\(search)\"", .info) }
            return
        }
        if forward {
            d.cursor = d.matches.first { $0 > d.cursor } ?? d.matches[0]
        } else {
            d.cursor = d.matches.last { $0 < d.cursor } ?? d.matches[d.matches.count - 1]
        }
        dumpView = d
    }

    /// Shows (or hides) the comparison with the latest earlier dump of the same instance, else of another one.
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
        let earlier =
            storedDumps.last { $0.instance == d.instance && $0.fetchedAt < d.fetchedAt }
            ?? storedDumps.last { $0.instance != d.instance }
        guard let base = earlier else {
            let again =
                keyMap.key(for: .fetchDump, in: .instance).map { "press \($0) again later" }
                ?? "fetch another later"
            setMessage("no earlier dump to compare with: \(again) to take a second one", .info)
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
}
