/// A parse error with its position, what was expected, what was found and the offending text.
public struct ExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number (0 when the error is about the whole response).
    public var line: Int
    /// 1-based column, counted in bytes.
    public var column: Int
    public var expected: String
    public var found: String
    /// Up to 60 bytes of the offending line.
    public var snippet: String

    public init(line: Int, column: Int, expected: String, found: String, snippet: String) {
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
        self.snippet = snippet
    }

    public var description: String {
        if line == 0 { return "expected \(expected), found \(found)" }
        return "line \(line):\(column): expected \(expected), found \(found): \(snippet)"
    }
}
