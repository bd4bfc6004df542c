/// What is wrong with a recording's bytes.
public enum RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes end in the middle of something (a crash while writing, or a cut file).
    case truncated
    /// The bytes are not what the format allows (a flipped bit, another file).
    case corrupt(String)
    /// Not a recording at all, or a version this svctop does not read.
    case notARecording(String)
    /// The file could not be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .truncated: return "the data ends early"
        case .corrupt(let what): return "corrupt data: \(what)"
        case .notARecording(let what): return what
        case .io(let what): return what
        }
    }
}
