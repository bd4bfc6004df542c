import SvctopCore

/// Every key binding, generated from the key map that dispatches keys.
enum HelpScreen {
    static func lines(_ state: AppState) -> [(text: String, role: Role)] {
        var out: [(String, Role)] = []
        if state.settings.isReadOnly {
            out.append(("Read-only mode: log level, drain and undrain are not available.", .accent))
        } else {
            let confirm = state.keyMap.keys(for: .confirm, in: .dialog).map(\.description).joined(separator: " or ")
            out.append(
                (
                    "Log level, drain and undrain ask for confirmation (type \(confirm)) and are written to the journal.",
                    .dim
                ))
        }
        for context in KeyContext.allCases {
            let title = context.title
            guard state.keyMap.bindings.contains(where: { $0.contexts.contains(context) }) else { continue }
            out.append(("", .text))
            out.append((title, .title))
            var seen: [Action] = []
            for binding in state.keyMap.bindings
            where binding.contexts.contains(context) && !seen.contains(binding.action) {
                seen.append(binding.action)
                let keys = state.keyMap.keys(for: binding.action, in: context).map(\.description).joined(separator: " ")
                out.append(
                    ("  " + Cells.fit(keys, 16) + binding.action.summary, binding.action.isMutating ? .warning : .text))
            }
        }
        out.append(("", .text))
        out.append(("In dialogs any key not listed cancels. Filter and search: Enter keeps, Esc clears.", .dim))
        return out
    }

    static func draw(_ p: inout Painter, _ state: AppState) {
        p.clear(x: 0, y: 0, width: p.width)
        p.text("svctop help", x: 0, y: 0, .title)
        p.text("keys (from the active key map)", x: 13, y: 0, .dim)
        let all = lines(state)
        let body = p.height - 2
        let scroll = min(state.helpScroll, max(0, all.count - body))
        for (i, line) in all.dropFirst(scroll).prefix(body).enumerated() {
            p.text(line.text, x: 1, y: 1 + i, line.role, maxWidth: p.width - 2)
        }
    }
}
