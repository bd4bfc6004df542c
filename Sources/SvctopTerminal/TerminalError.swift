/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}
