import SvctopCore

/// What the terminal sent: a key, or a signal delivered to the process.
public enum TerminalInput: Sendable, Equatable {
    case key(Key)
    case resized
    case interrupted
    case terminated
    case hangup
    case suspendRequested
    case continued
    /// Standard input closed.
    case inputClosed
}
