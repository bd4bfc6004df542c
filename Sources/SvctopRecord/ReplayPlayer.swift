import SvctopCore

/// Drives a dashboard state from a recording instead of the network: every recorded event is reduced at its
/// recorded time, so the state at a recorded moment is the state the live run had then. Moving back restores the
/// nearest earlier checkpoint (a copy of the state taken while moving forward) and reduces forward from there;
/// what the user is looking at (view, selection, sort, filter, size) is kept across jumps.
public struct ReplayPlayer {
    public let recording: Recording
    public private(set) var state: AppState
    /// The recorded time the screen shows.
    public private(set) var position: Double
    public private(set) var journal: [JournalEntry] = []
    /// Where decoding stopped early, when it did (from the file or from an entry that does not decode).
    public var damage: String? { cursor.damage ?? recording.damage }

    private var cursor: RecordingCursor
    private var next: RecordEntry?
    private var checkpoints: [Checkpoint] = []
    /// Entries reduced between checkpoints: a jump reduces at most this many (30 to 50 µs each, release build).
    private var checkpointSpacing: Int
    private var sinceCheckpoint = 0
    /// Checkpoints share the series' full chunks; what each one holds alone grows with the instances, so their
    /// number is bounded by instances (past it, every other one goes and the spacing doubles).
    var maxCheckpoints: Int { max(16, 4_000 / max(1, state.instances.count)) }
    public var checkpointCount: Int { checkpoints.count }

    private struct Checkpoint {
        var time: Double
        var state: AppState
        var cursor: RecordingCursor
        var next: RecordEntry?
        var journalCount: Int
    }

    public var start: Double { recording.firstTime }
    public var end: Double { recording.lastTime }

    public init(recording: Recording, width: Int = 120, height: Int = 40, checkpointSpacing: Int = 2_000) {
        self.recording = recording
        self.checkpointSpacing = checkpointSpacing
        var state = recording.header.initialState()
        _ = state.reduce(.resized(width: width, height: height), now: recording.header.startedAt)
        self.state = state
        position = recording.firstTime
        cursor = RecordingCursor(recording)
        next = cursor.next()
        checkpoints = [Checkpoint(time: position, state: state, cursor: cursor, next: next, journalCount: 0)]
        state.replay = ReplayStatus(time: position, start: start, end: end)
        self.state = state
    }

    /// Reduces every entry up to `time` (inclusive).
    public mutating func advance(to time: Double) {
        while let entry = next, entry.time <= time {
            apply(entry)
            next = cursor.next()
            // Only past the last checkpoint: behind it (after a jump back) the checkpoints are there already.
            if let last = checkpoints.last, entry.time > last.time {
                sinceCheckpoint += 1
                if sinceCheckpoint >= checkpointSpacing { checkpoint(at: entry.time) }
            }
        }
        position = max(position, min(time, max(end, start)))
        state.replay?.time = position
    }

    /// Reduces entries until one makes an instance newly warn about a leak, an OOM estimate, lost readiness or a
    /// drain (a reason it did not have before). Returns false when the recording ends first.
    public mutating func advanceToNextWarning() -> Bool {
        var known = warnings()
        while let entry = next {
            apply(entry)
            next = cursor.next()
            position = entry.time
            let now = warnings()
            if !now.subtracting(known).isEmpty {
                state.replay?.time = position
                return true
            }
            known = now
        }
        state.replay?.time = position
        return false
    }

    /// Each instance's warnings, by kind.
    func warnings() -> Set<String> {
        Set(state.instances.flatMap { i in i.reasons.filter(Self.isWarning).map { "\(i.id)|\(Self.kind($0))" } })
    }

    static func isWarning(_ reason: String) -> Bool {
        reason.hasPrefix("possible goroutine leak") || reason.hasPrefix("OOM in") || reason == "not ready"
            || reason.contains("drain") || reason.hasPrefix("memory at")
    }

    /// The kind of a reason, without its changing numbers.
    static func kind(_ reason: String) -> String {
        String(reason.prefix { !$0.isNumber && $0 != "(" && $0 != "+" })
    }

    /// Moves to `time`, back or forward.
    public mutating func seek(to time: Double) {
        let target = min(max(time, start), end)
        let restore = checkpoints.last { $0.time <= target } ?? checkpoints[0]
        // Back, or forward past a checkpoint: from the nearest checkpoint before the target.
        if target < position || restore.time > position {
            let keep = state
            state = restore.state
            cursor = restore.cursor
            next = restore.next
            journal.removeLast(max(0, journal.count - restore.journalCount))
            position = restore.time
            sinceCheckpoint = 0
            state.keepLooking(like: keep)
        }
        advance(to: target)
    }

    private mutating func apply(_ entry: RecordEntry) {
        switch entry.recorded {
        case .event(let event):
            switch event {
            case .dumpLoaded(let id, _, _, _, _), .profileLoaded(let id, _, _, _):
                // The live user opened it; here it is kept for `d` (or `h`, `p`) and said, not pushed on screen.
                let views = state.views
                _ = state.reduce(event, now: entry.time)
                state.views = views
                let what: String
                if case .dumpLoaded = event {
                    what =
                        "a goroutine dump was fetched (\(state.keyMap.key(for: .fetchDump, in: .fleet)?.description ?? "d") opens it)"
                } else {
                    what = "a profile was fetched (its key opens it)"
                }
                state.setMessage("replay: \(state.instance(id)?.name ?? "?"): \(what)", .info)
            default:
                _ = state.reduce(event, now: entry.time)
            }
        case .journal(let line):
            journal.append(line)
        }
    }

    private mutating func checkpoint(at time: Double) {
        sinceCheckpoint = 0
        checkpoints.append(
            Checkpoint(time: time, state: state, cursor: cursor, next: next, journalCount: journal.count))
        if checkpoints.count > maxCheckpoints {
            // Keep every other one and space the next ones twice as far: memory stays bounded at any length.
            checkpoints = checkpoints.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            checkpointSpacing *= 2
        }
    }
}

extension AppState {
    /// Takes what the user was looking at from `other` (after a jump back rebuilt the state).
    mutating func keepLooking(like other: AppState) {
        width = other.width
        height = other.height
        views = other.views.filter { view in
            switch view {
            case .fleet, .help: return true
            case .instance(let id): return instances.indices.contains(id)
            case .dump, .pprof: return false
            }
        }
        if views.isEmpty { views = [.fleet] }
        selected = other.selected.flatMap { instances.indices.contains($0) ? $0 : nil } ?? instances.first?.id
        fleetScroll = other.fleetScroll
        helpScroll = other.helpScroll
        sort = other.sort
        isSortReversed = other.isSortReversed
        filter = other.filter
        showHandlers = other.showHandlers
        replay = other.replay
    }
}

extension ReplayPlayer {
    /// What a key did in a replay.
    public enum KeyOutcome: Equatable {
        case handled
        case quit
    }

    public static let speeds: [Double] = [1, 2, 5, 10, 30, 60]

    /// Replay's own keys first (space, ←/→, [ ], t and its prompt); mutating keys are refused with the reason;
    /// the rest drive the dashboard as live (views, sort, filter, dumps already fetched). Effects that would reach
    /// the network are not performed.
    public mutating func press(_ key: Key) -> KeyOutcome {
        guard var replay = state.replay else { return .handled }
        if let prompt = replay.prompt {
            switch key {
            case .enter:
                replay.prompt = nil
                state.replay = replay
                jump(prompt)
            case .escape:
                replay.prompt = nil
                state.replay = replay
            case .backspace:
                replay.prompt = String(prompt.dropLast())
                state.replay = replay
            case .char(let c):
                replay.prompt = prompt + String(c)
                state.replay = replay
            default: break
            }
            return .handled
        }
        var isBrowsing = state.view == .fleet
        if case .instance = state.view { isBrowsing = true }
        let browsing = isBrowsing && state.dialog == nil && !state.isEditingFilter
        if browsing {
            switch key {
            case .char(" "):
                state.replay?.isPaused.toggle()
                return .handled
            case .char("["), .char("]"):
                let i = Self.speeds.lastIndex { $0 <= replay.speed } ?? 0
                let j = key == .char("]") ? min(i + 1, Self.speeds.count - 1) : max(i - 1, 0)
                state.replay?.speed = Self.speeds[j]
                return .handled
            case .left, .right:
                state.replay?.isPaused = true
                let step = max(1, state.settings.interval)
                seek(to: position + (key == .right ? step : -step))
                return .handled
            case .char("t"):
                state.replay?.prompt = ""
                return .handled
            default: break
            }
        }
        if let action = state.keyMap.action(for: key, in: state.keyContext), action.isMutating {
            state.setMessage("disabled in replay (nothing is sent): \(action.summary)", .info)
            return .handled
        }
        for effect in state.reduce(.keyPressed(key), now: state.now) {
            switch effect {
            case .quit: return .quit
            case .fetchDump(let id, _):
                state.loadingDump = nil
                if state.dumpView?.instance == id, state.dumpView.map({ $0.fetchedAt <= state.now }) == true {
                    state.views.append(.dump)
                } else {
                    state.setMessage(
                        "replay: no goroutine dump of \(state.instance(id)?.name ?? "?") was fetched by now", .info)
                }
            case .fetchProfile(let id, let kind, _):
                state.loadingProfile = nil
                if let view = state.pprofView, view.instance == id, view.profile.kind == kind {
                    state.views.append(.pprof)
                } else {
                    state.setMessage(
                        "replay: no \(kind.title) of \(state.instance(id)?.name ?? "?") was fetched by now", .info)
                }
            case .writeBundle:
                state.setMessage("replay: svctop bundle --recording FILE bundles a recording", .info)
            case .saveDump, .saveProfile:
                state.setMessage("replay: the bundle holds the recorded dumps (svctop bundle)", .info)
            default: break
            }
        }
        return .handled
    }

    /// The prompt's answer: a time, or the next warning when empty.
    mutating func jump(_ text: String) {
        let trimmed = text.filter { $0 != " " }
        if trimmed.isEmpty || trimmed == "w" {
            if !advanceToNextWarning() { state.setMessage("replay: no further warning in the recording", .info) }
            state.replay?.isPaused = true
            return
        }
        guard let time = Self.time(trimmed, position: position, start: start) else {
            state.setMessage("replay: \"\(text)\" is not a time (HH:MM, HH:MM:SS, +5m, -30s)", .error)
            return
        }
        seek(to: time)
        state.replay?.isPaused = true
    }

    /// `HH:MM[:SS]` (UTC, the day of `position`), `+5m`/`-30s` from `position`, or seconds since the epoch.
    public static func time(_ text: String, position: Double, start: Double) -> Double? {
        if let sign = text.first, sign == "+" || sign == "-" {
            guard let span = SettingDeclaration.seconds(String(text.dropFirst())) else { return nil }
            return position + (sign == "+" ? span : -span)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 || parts.count == 3 {
            let numbers = parts.compactMap { Double($0) }
            guard numbers.count == parts.count, numbers[0] < 24, numbers[1] < 60 else { return nil }
            let secondOfDay = numbers[0] * 3600 + numbers[1] * 60 + (numbers.count == 3 ? numbers[2] : 0)
            let day = (position / 86_400).rounded(.down) * 86_400
            return day + secondOfDay
        }
        if let epoch = Double(text), epoch > 1_000_000_000 { return epoch }
        if let span = SettingDeclaration.seconds(text) { return start + span }
        return nil
    }
}

extension ReplayPlayer {
    /// Moves the recorded time by `elapsed` wall seconds times the speed, unless paused; pauses at the end.
    public mutating func play(elapsed: Double) {
        guard let replay = state.replay, !replay.isPaused, replay.prompt == nil else { return }
        if position >= end {
            state.replay?.isPaused = true
            state.setMessage("replay: end of the recording", .info)
            return
        }
        advance(to: position + max(0, elapsed) * replay.speed)
    }

    public mutating func resize(width: Int, height: Int) {
        _ = state.reduce(.resized(width: width, height: height), now: state.now)
    }

    public mutating func setSpeed(_ speed: Double) {
        state.replay?.speed = Self.speeds.last { $0 <= speed } ?? 1
    }

    public mutating func note(_ text: String) { state.setMessage(text, .error) }
}
