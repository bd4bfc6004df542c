/// Log levels: the chooser, the confirmation, timed debug with its revert, and restoring on quit what svctop
/// changed.
extension AppState {
    /// Instances whose level svctop changed and that are not back at their original level.
    public var levelsToRestore: [(id: InstanceID, level: String)] {
        changedLevels.sorted { $0.key < $1.key }
            .filter { instances[$0.key].logLevel != $0.value }
            .map { ($0.key, $0.value) }
    }

    mutating func chooseLogLevel(forAll: Bool) {
        guard !settings.isReadOnly else { return }
        if !forAll {
            guard let id = focusedInstance else { return }
            dialog = Dialog(kind: .chooseLevel([id]))
            return
        }
        let ids = visibleInstances().filter { instances[$0].status.isUp && instances[$0].target.isReachable }
        guard !ids.isEmpty else {
            setMessage("no instance is up to change", .error)
            return
        }
        dialog = Dialog(kind: .chooseLevel(ids))
    }

    /// The chooser's answer: a level opens the confirmation; anything else closes it.
    mutating func answerLevelChooser(_ ids: [InstanceID], _ action: Action?) {
        let level: (String, Double?)?
        switch action {
        case .levelDebug: level = ("debug", nil)
        case .levelInfo: level = ("info", nil)
        case .levelWarn: level = ("warn", nil)
        case .levelError: level = ("error", nil)
        case .levelDebugTimed: level = ("debug", settings.timedDebugDuration)
        default: level = nil
        }
        dialog = level.map { Dialog(kind: .setLevel(ids, level: $0.0, revertAfter: $0.1)) }
    }

    mutating func answerSetLevel(
        _ ids: [InstanceID], level: String, revertAfter: Double?, _ action: Action?
    ) -> [Effect] {
        guard action == .confirm else {
            return ids.map { .recordRefusal($0, action: .setLogLevel(level), refusal: .cancelled) }
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
            effects.append(
                .setLogLevel(
                    id, level: level, previous: previous,
                    reason: revertAfter == nil ? LogLevelChange.manual : LogLevelChange.timed))
        }
        return effects
    }

    /// The quit dialog's answer: confirm restores and quits, the quit-anyway key quits, anything else stays.
    mutating func answerRestoreOnQuit(_ action: Action?) -> [Effect] {
        switch action {
        case .confirm:
            isQuitting = true
            let effects = levelsToRestore.map { item -> Effect in
                .setLogLevel(
                    item.id, level: item.level, previous: instances[item.id].logLevel,
                    reason: LogLevelChange.restoreOnExit)
            }
            changedLevels = [:]
            return effects + [.quit]
        case .quitWithoutRestore:
            isQuitting = true
            return [.quit]
        default:
            return []
        }
    }

    /// Timed reverts that are due now, as effects (none in read-only mode).
    mutating func dueLevelReverts() -> [Effect] {
        var effects: [Effect] = []
        for (id, revert) in levelReverts.sorted(by: { $0.key < $1.key }) where now >= revert.at {
            levelReverts[id] = nil
            if !settings.isReadOnly {
                effects.append(
                    .setLogLevel(
                        id, level: revert.level, previous: instances[id].logLevel, reason: LogLevelChange.timedRevert))
                pendingActions[id] = (.setLogLevel(revert.level), now)
            }
        }
        return effects
    }

    mutating func logLevelChanged(_ id: InstanceID, to level: String, _ result: ActionResult) {
        let who = instances[id].name
        if case .succeeded(_, let body) = result {
            instances[id].logLevel = LogLevelBody.level(from: body) ?? level
            let revert = levelReverts[id].map { " (back to \($0.level) in \(ByteFormat.span($0.at - now)))" } ?? ""
            setMessage("\(who): log level is now \(instances[id].logLevel ?? level)\(revert)", .success)
        } else {
            levelReverts[id] = nil
            setMessage("\(who): setting log level to \(level) failed: \(result.summary)", .error)
        }
    }
}
