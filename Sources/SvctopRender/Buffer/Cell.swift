/// One terminal cell: a character and its style.
public struct Cell: Hashable, Sendable {
    /// The character; `Cell.continuation` marks the second column of a wide character.
    public var scalar: Unicode.Scalar
    public var style: Style

    public init(_ scalar: Unicode.Scalar = " ", _ style: Style = .plain) {
        self.scalar = scalar
        self.style = style
    }

    public static let continuation: Unicode.Scalar = "\u{0}"
    public static let blank = Cell()

    public var isContinuation: Bool { scalar == Cell.continuation }
}
