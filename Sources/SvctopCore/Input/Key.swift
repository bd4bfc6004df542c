/// A key press, decoded from terminal input bytes.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete, insert
    /// Ctrl plus a letter (lowercase), e.g. `.ctrl("c")`.
    case ctrl(Character)
    case function(Int)

    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .function(let n): return "F\(n)"
        }
    }

    /// Parses a key name as written in the config (`j`, `Enter`, `Ctrl-d`, `PgDn`, `F1`, `Space`, `Up`).
    public static func named(_ text: String) -> Key? {
        let lower = text.lowercased()
        switch lower {
        case "up", "↑": return .up
        case "down", "↓": return .down
        case "left", "←": return .left
        case "right", "→": return .right
        case "pgup", "pageup": return .pageUp
        case "pgdn", "pagedown": return .pageDown
        case "home": return .home
        case "end": return .end
        case "enter", "return": return .enter
        case "esc", "escape": return .escape
        case "backspace": return .backspace
        case "tab": return .tab
        case "shift-tab", "backtab": return .backTab
        case "del", "delete": return .delete
        case "space": return .char(" ")
        default: break
        }
        if lower.hasPrefix("ctrl-") && text.count == 6, let c = lower.last { return .ctrl(c) }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...12).contains(n) { return .function(n) }
        if text.count == 1, let c = text.first { return .char(c) }
        return nil
    }
}
