/// What the status bar shows while a recording is replayed: the recorded time (not now), the speed, whether it
/// is paused, and the time prompt when one is open.
public struct ReplayStatus: Sendable, Equatable {
    public var time: Double
    public var start: Double
    public var end: Double
    public var speed: Double = 1
    public var isPaused = false
    /// The text typed after `t`, while the prompt is open.
    public var prompt: String?

    public init(time: Double, start: Double, end: Double) {
        self.time = time
        self.start = start
        self.end = end
    }

    /// `2026-12-02 14:32:05Z` for a time in seconds since the epoch (UTC, no Foundation).
    public static func clock(_ time: Double) -> String { UTCTime.text(time, separator: " ") }
}
