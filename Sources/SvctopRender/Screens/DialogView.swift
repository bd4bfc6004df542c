import SvctopCore

/// A centered confirmation box. Confirming takes the explicit confirm key; every other key cancels. Every key
/// the box names comes from the key map, so a remapped key is the one shown.
enum DialogView {
    static func content(_ state: AppState, _ dialog: Dialog) -> (title: String, lines: [(String, Role)]) {
        let confirm = KeyHints.keys(state, .confirm, dialog.keyContext)
        func names(_ ids: [InstanceID]) -> [(String, Role)] {
            let shown = ids.prefix(8).map { id -> (String, Role) in
                let i = state.instances[id]
                return ("  • \(i.name)  \(i.target.baseURL)", .dialogTitle)
            }
            return shown + (ids.count > 8 ? [("  … and \(ids.count - 8) more", .dialog)] : [])
        }
        switch dialog.kind {
        case .chooseLevel(let ids):
            let current = ids.count == 1 ? " (now \(state.instances[ids[0]].logLevel ?? "unknown"))" : ""
            let choices = [Action.levelDebug, .levelInfo, .levelWarn, .levelError].compactMap { action -> String? in
                state.keyMap.key(for: action, in: .levelChooser).map { "\($0)  \(action.summary)" }
            }
            var lines = names(ids) + [("", .dialog), ("  " + choices.joined(separator: "      "), .dialog)]
            if let timed = state.keyMap.key(for: .levelDebugTimed, in: .levelChooser) {
                let span = ByteFormat.span(state.settings.timedDebugDuration)
                lines.append(("  \(timed)  debug for \(span), then back to the current level", .dialog))
            }
            return ("Set log level\(current)", lines + [("", .dialog), ("  any other key cancels", .dialog)])
        case .setLevel(let ids, let level, let revertAfter):
            let revert = revertAfter.map { " for \(ByteFormat.span($0)), then back" } ?? ""
            return (
                "Set log level to \(level)\(revert)?",
                names(ids) + [
                    ("", .dialog), ("  Type \(confirm) to confirm. Enter, Esc or any other key cancels.", .dialog),
                ]
            )
        case .drain(let ids):
            var lines = names(ids) + [("", .dialog)]
            lines.append(("  Readiness will fail and new work is refused; in-flight requests finish.", .dialog))
            if let refusal = dialog.guardRefusal {
                if dialog.isOverridden {
                    lines.append(("  GUARD RAIL OVERRIDDEN: \(refusal).", .critical))
                    lines.append(("  Type \(confirm) to drain anyway. Any other key cancels.", .dialogTitle))
                } else {
                    lines.append(("  REFUSED: \(refusal).", .critical))
                    lines.append(
                        (
                            "  Press \(KeyHints.keys(state, .overrideGuard, .dialog)) to override, any other key cancels.",
                            .dialogTitle
                        ))
                }
            } else {
                lines.append(("  Type \(confirm) to drain. Enter, Esc or any other key cancels.", .dialogTitle))
            }
            return ("Drain \(ids.count == 1 ? state.instances[ids[0]].name : "\(ids.count) instances")?", lines)
        case .undrain(let ids):
            return (
                "Undrain \(ids.count == 1 ? state.instances[ids[0]].name : "\(ids.count) instances")?",
                names(ids) + [
                    ("", .dialog), ("  Readiness will pass again and the instance takes traffic.", .dialog),
                    ("  Type \(confirm) to undrain. Enter, Esc or any other key cancels.", .dialogTitle),
                ]
            )
        case .fullDump(let id):
            let i = state.instances[id]
            var lines: [(String, Role)] = [("  \(i.name): full stacks with states and wait times (debug=2).", .dialog)]
            let count = i.reading?.goroutines ?? 0
            if count >= state.settings.fullDumpWarnGoroutines {
                lines.append(
                    ("  WARNING: \(ByteFormat.count(count)) goroutines. debug=2 stops the world while it", .critical))
                lines.append(("  formats them; the service pauses for the duration.", .critical))
            } else {
                lines.append(("  debug=2 briefly stops the service's world while it formats the dump.", .dialog))
            }
            lines.append(("", .dialog))
            lines.append(("  Type \(confirm) to fetch. Any other key cancels.", .dialogTitle))
            return ("Fetch a full goroutine dump?", lines)
        case .cpuProfile(let id, let seconds):
            let i = state.instances[id]
            let longer = KeyHints.keys(state, .longerProfile, .profileDialog)
            let shorter = KeyHints.keys(state, .shorterProfile, .profileDialog)
            return (
                "Take a CPU profile of \(i.name)?",
                [
                    ("  \(i.name)  \(i.target.baseURL)", .dialogTitle), ("", .dialog),
                    ("  Length: \(seconds)s    (\(longer) longer, \(shorter) shorter)", .dialogTitle),
                    ("  Profiling costs the service some CPU while it runs; the dashboard keeps updating.", .dialog),
                    ("", .dialog), ("  Type \(confirm) to start. Any other key cancels.", .dialogTitle),
                ]
            )
        case .restoreLevelsOnQuit:
            var lines: [(String, Role)] = [("  svctop changed these log levels:", .dialog)]
            for (id, level) in state.levelsToRestore {
                lines.append(
                    (
                        "  • \(state.instances[id].name): \(state.instances[id].logLevel ?? "?") → back to \(level)",
                        .dialogTitle
                    ))
            }
            lines.append(("", .dialog))
            let leave = KeyHints.keys(state, .quitWithoutRestore, .quitDialog)
            lines.append(
                ("  \(confirm)  restore them and quit    \(leave)  quit, leave them    any other key  stay", .dialog))
            return ("Restore log levels before quitting?", lines)
        }
    }

    static func draw(_ p: inout Painter, _ state: AppState) {
        guard let dialog = state.dialog else { return }
        let (title, raw) = content(state, dialog)
        let innerWidth = min(
            p.width - 4, max(CharacterWidth.of(title) + 4, raw.map { CharacterWidth.of($0.0) }.max() ?? 0) + 2)
        // Wrap what does not fit, continuing under the text's indentation.
        var lines: [(String, Role)] = []
        for (text, role) in raw {
            guard CharacterWidth.of(text) > innerWidth else {
                lines.append((text, role))
                continue
            }
            let leading = String(repeating: " ", count: text.prefix { $0 == " " }.count)
            let indent = leading + "  "
            var current = ""
            for word in text.split(separator: " ", omittingEmptySubsequences: true) {
                let candidate = current.isEmpty ? leading + word : current + " " + word
                if CharacterWidth.of(candidate) > innerWidth && !current.isEmpty {
                    lines.append((current, role))
                    current = indent + word
                } else {
                    current = candidate
                }
            }
            if !current.isEmpty { lines.append((current, role)) }
        }
        let height = min(p.height - 2, lines.count + 2)
        let x = max(0, (p.width - innerWidth - 2) / 2)
        let y = max(0, (p.height - height) / 2)
        p.buffer.fill(x: x, y: y, width: innerWidth + 2, height: height, with: Cell(" ", p.style(.dialog)))
        let r = p.box(x: x, y: y, width: innerWidth + 2, height: height, title: title, titleRole: .dialogTitle)
        for (i, line) in lines.prefix(r.height).enumerated() {
            var style = p.style(line.1)
            if style.background == .terminalDefault { style.background = p.style(.dialog).background }
            p.text(line.0, x: r.x, y: r.y + i, style: style, maxWidth: r.width)
        }
    }
}
