import SvctopCore

/// Key names for the hints screens show, always read from the active key map, so a remapped key is the one
/// shown.
enum KeyHints {
    /// The keys bound to `action` in `context`, as the user types them ("y", "y or Y"); says so when none is.
    static func keys(_ state: AppState, _ action: Action, _ context: KeyContext) -> String {
        let keys = state.keyMap.keys(for: action, in: context).map(\.description)
        return keys.isEmpty ? "(no key bound to \(action.rawValue))" : keys.joined(separator: " or ")
    }

    /// "Enter expand · / search": the first key of each action bound in `context`, with its label; actions with no
    /// key there are left out.
    static func line(_ state: AppState, _ items: [(Action, String)], in context: KeyContext) -> String {
        items.compactMap { action, label in
            state.keyMap.key(for: action, in: context).map { "\($0) \(label)" }
        }.joined(separator: " · ")
    }
}
