extension AppState {
    /// Answers the open dialog. The key map's dialog contexts name the answers (confirm, override, a level,
    /// quit without restoring); a key bound to none of them cancels. The dialog closes unless the answer keeps
    /// it open (the override, which then waits for the confirmation).
    mutating func handleDialogKey(_ key: Key) -> [Effect] {
        guard let d = dialog else { return [] }
        let action = keyMap.action(for: key, in: d.keyContext)
        dialog = nil
        switch d.kind {
        case .chooseLevel(let ids):
            answerLevelChooser(ids, action)
            return []
        case .setLevel(let ids, let level, let revertAfter):
            return answerSetLevel(ids, level: level, revertAfter: revertAfter, action)
        case .drain(let ids):
            return answerDrain(ids, d, action)
        case .undrain(let ids):
            return answerUndrain(ids, action)
        case .fullDump:
            return action == .confirm ? requestDump(debugLevel: 2) : []
        case .restoreLevelsOnQuit:
            return answerRestoreOnQuit(action)
        case .cpuProfile(let id, let seconds):
            return answerCPUProfile(id, seconds: seconds, action)
        }
    }
}
