/// The one line editor behind the fleet filter and the dump search: Enter keeps the text, Esc clears it,
/// Backspace and Ctrl-U edit, printable characters append.
public enum LineEditor {
    /// What a key did to the line.
    public enum Outcome: Sendable, Equatable {
        /// Still editing; the text may have changed.
        case editing
        /// Editing ended, the text kept (Enter).
        case committed
        /// Editing ended, the text cleared (Esc).
        case cleared
    }

    /// Applies `key` to `text`.
    public static func apply(_ key: Key, to text: inout String) -> Outcome {
        switch key {
        case .enter:
            return .committed
        case .escape:
            text = ""
            return .cleared
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .ctrl("u"):
            text = ""
        case .char(let c):
            text.append(c)
        default:
            break
        }
        return .editing
    }
}
