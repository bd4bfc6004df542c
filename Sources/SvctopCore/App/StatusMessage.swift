/// A transient line in the status bar.
public struct StatusMessage: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, success, error }
    public var text: String
    public var level: Level
    public var time: Double
}
