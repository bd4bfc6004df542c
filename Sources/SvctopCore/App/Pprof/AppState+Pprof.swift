/// CPU and heap profiles: taking them (a CPU profile is confirmed first, since it costs the service CPU), the
/// profile view (top functions by flat or cum, sample types, peeking at callers and callees, search, save) and
/// comparison with the previous profile of the same kind and instance.
extension AppState {
    /// How many profiles are kept per instance and kind, and in all, for comparison.
    static let profilesKeptPerInstance = 2
    static let profilesKept = 16
    /// The longest CPU profile the dialog offers.
    static let longestCPUProfile = 300

    /// `p` opens the CPU profile dialog; `H` takes a heap profile at once (it costs the service nothing).
    mutating func requestProfile(_ kind: PprofKind) -> [Effect] {
        guard let id = focusedInstance else { return [] }
        if let loading = loadingProfile {
            setMessage("already taking a \(loading.kind.title) of \(name(loading.instance))", .info)
            return []
        }
        switch kind {
        case .cpu:
            let seconds = min(Self.longestCPUProfile, max(1, Int(settings.cpuProfileSeconds.rounded())))
            dialog = Dialog(kind: .cpuProfile(id, seconds: seconds))
            return []
        case .heap:
            return startProfile(id, .heap, seconds: 0)
        }
    }

    mutating func startProfile(_ id: InstanceID, _ kind: PprofKind, seconds: Int) -> [Effect] {
        loadingProfile = PprofLoading(instance: id, kind: kind, seconds: seconds, since: now)
        return [.fetchProfile(id, kind: kind, seconds: seconds)]
    }

    /// The CPU profile dialog: confirm, or make the profile longer or shorter and keep the dialog open.
    mutating func answerCPUProfile(_ id: InstanceID, seconds: Int, _ action: Action?) -> [Effect] {
        switch action {
        case .confirm:
            return startProfile(id, .cpu, seconds: seconds)
        case .longerProfile, .shorterProfile:
            let steps = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, Self.longestCPUProfile]
            let next =
                action == .longerProfile
                ? steps.first { $0 > seconds } ?? Self.longestCPUProfile
                : steps.last { $0 < seconds } ?? 1
            dialog = Dialog(kind: .cpuProfile(id, seconds: next))
            return []
        default:
            return []
        }
    }

    mutating func profileLoaded(_ id: InstanceID, raw: [UInt8], profile: PprofProfile, fetchedAt: Double) {
        loadingProfile = nil
        let view = PprofViewState(instance: id, fetchedAt: fetchedAt, raw: raw, profile: profile)
        pprofView = view
        storedProfiles.append(StoredPprof(instance: id, fetchedAt: fetchedAt, profile: profile))
        let mine = storedProfiles.filter { $0.instance == id && $0.profile.kind == profile.kind }
        if mine.count > Self.profilesKeptPerInstance, let oldest = mine.first {
            storedProfiles.removeAll {
                $0.instance == id && $0.profile.kind == profile.kind && $0.fetchedAt == oldest.fetchedAt
            }
        }
        if storedProfiles.count > Self.profilesKept {
            storedProfiles.removeFirst(storedProfiles.count - Self.profilesKept)
        }
        if view.table.total == 0 {
            let what = profile.kind == .cpu ? "no CPU samples: the service was idle" : "no samples"
            setMessage("\(profile.kind.title) of \(name(id)): \(what)", .info)
        }
        if self.view == .pprof {
            views[views.count - 1] = .pprof
        } else {
            views.append(.pprof)
        }
    }

    mutating func profileFailed(_ id: InstanceID, _ kind: PprofKind, _ failure: PprofFailure) {
        loadingProfile = nil
        let path = instance(id)?.target.profile.endpoints.pprof(kind).path ?? ""
        setMessage("\(kind.title) of \(name(id)) failed: \(failure.explanation(kind: kind, path: path))", .error)
    }

    mutating func profileSaved(path: String?, error: String?) {
        if let path {
            pprofView?.savedPath = path
            setMessage("saved profile to \(path) (go tool pprof opens it)", .success)
        } else {
            setMessage("could not save the profile: \(error ?? "unknown error")", .error)
        }
    }

    /// `Enter`: peek at the selected function (or, while peeking, at the selected caller or callee).
    mutating func peekAtSelection() {
        guard var v = pprofView else { return }
        let function: Int?
        if let comparison = v.comparison {
            function =
                comparison.indices.contains(v.cursor)
                ? v.profile.functions.firstIndex { $0.name == comparison[v.cursor].name } : nil
        } else if v.peek != nil {
            let lines = v.peekLines
            function = lines.indices.contains(v.cursor) ? lines[v.cursor].function : nil
        } else {
            function = v.table.rows.indices.contains(v.cursor) ? v.table.rows[v.cursor].function : nil
            v.tableCursor = v.cursor
        }
        guard let function else { return }
        if v.comparison != nil {
            v.comparison = nil
            v.comparedWith = nil
        }
        let peek = PprofPeek.of(v.profile, function: function, type: v.sampleType)
        v.peeks.append(peek)
        v.cursor = peek.callers.count
        v.search = ""
        v.updateMatches()
        pprofView = v
    }

    /// `back` in the profile view: out of a peek (to the previous one, then the list), out of the comparison, then
    /// out of the view.
    mutating func backFromProfile() -> Bool {
        guard var v = pprofView else { return false }
        if !v.peeks.isEmpty {
            let left = v.peeks.removeLast()
            if let previous = v.peek {
                v.cursor = v.peekLines.firstIndex { $0.function == left.function } ?? previous.callers.count
            } else {
                v.cursor = v.tableCursor
            }
            v.updateMatches()
            pprofView = v
            return true
        }
        if v.comparison != nil {
            v.comparison = nil
            v.comparedWith = nil
            v.cursor = v.tableCursor
            v.updateMatches()
            pprofView = v
            return true
        }
        return false
    }

    /// `o`: sort by flat or by cum.
    mutating func toggleProfileOrder() {
        guard var v = pprofView else { return }
        v.order = v.order == .flat ? .cum : .flat
        if v.peek == nil && v.comparison == nil { v.tableCursor = v.cursor }
        v.recompute()
        if let comparison = v.comparison, let base = comparisonBase(v) {
            v.comparison = compared(v, with: base)
            v.cursor = min(v.cursor, max(0, comparison.count - 1))
        }
        pprofView = v
        setMessage("sorted by \(v.order.rawValue)", .info)
    }

    /// `i`: the next sample type (heap: in-use space, in-use objects, alloc space, alloc objects).
    mutating func nextSampleType() {
        guard var v = pprofView, v.profile.sampleTypes.count > 1 else { return }
        if v.peek == nil && v.comparison == nil { v.tableCursor = v.cursor }
        v.sampleType = (v.sampleType + 1) % v.profile.sampleTypes.count
        v.recompute()
        if v.comparison != nil, let base = comparisonBase(v) {
            v.comparison = compared(v, with: base)
            v.cursor = 0
        }
        pprofView = v
        let type = v.currentSampleType
        setMessage("showing \(type.name) (\(type.unit))", .info)
    }

    /// The view's profile against `base`, in the view's sample type and order.
    func compared(_ v: PprofViewState, with base: StoredPprof) -> [PprofDelta] {
        PprofComparison.compare(
            before: base.profile, at: base.fetchedAt, after: v.profile, at: v.fetchedAt,
            sampleType: v.currentSampleType.name, order: v.order)
    }

    func comparisonBase(_ v: PprofViewState) -> StoredPprof? {
        storedProfiles.last { $0.instance == v.instance && $0.profile.kind == v.kind && $0.fetchedAt < v.fetchedAt }
    }

    /// `c`: compare with the previous profile of the same kind and instance (again: back to the list).
    mutating func compareProfile() {
        guard var v = pprofView else { return }
        if v.comparison != nil {
            _ = backFromProfile()
            return
        }
        guard let base = comparisonBase(v) else {
            let key = keyMap.key(for: v.kind == .cpu ? .cpuProfile : .heapProfile, in: .instance)
            let again = key.map { "press \($0) again later" } ?? "take another later"
            setMessage("no earlier \(v.kind.title) of \(name(v.instance)) to compare with: \(again)", .info)
            return
        }
        if v.peek == nil { v.tableCursor = v.cursor }
        v.peeks = []
        v.comparison = compared(v, with: base)
        v.comparedWith = "\(v.kind.title) of \(ByteFormat.span(v.fetchedAt - base.fetchedAt)) earlier"
        v.cursor = 0
        v.updateMatches()
        pprofView = v
    }

    mutating func handleProfileSearchKey(_ key: Key) -> [Effect] {
        guard var v = pprofView else { return [] }
        if LineEditor.apply(key, to: &v.search) != .editing { v.isEditingSearch = false }
        v.updateMatches()
        if let first = v.matches.first(where: { $0 >= v.cursor }) ?? v.matches.first { v.cursor = first }
        pprofView = v
        return []
    }

    mutating func jumpToProfileMatch(forward: Bool) {
        guard var v = pprofView, !v.matches.isEmpty else {
            if let search = pprofView?.search, !search.isEmpty { setMessage("no match for \"\(search)\"", .info) }
            return
        }
        v.cursor =
            forward
            ? v.matches.first { $0 > v.cursor } ?? v.matches[0]
            : v.matches.last { $0 < v.cursor } ?? v.matches[v.matches.count - 1]
        pprofView = v
    }
}
