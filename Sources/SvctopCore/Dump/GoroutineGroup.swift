/// Goroutines that share a stack (under the chosen grouping).
public struct GoroutineGroup: Sendable, Equatable {
    /// Number of goroutines.
    public var count: Int
    /// State → number of goroutines in it (`select`, `chan receive`, `IO wait`, ...).
    public var states: [String: Int]
    /// Shortest and longest wait, in minutes, when the dump says (debug=2).
    public var waitMinutes: ClosedRange<Int>?
    /// Goroutines locked to their OS thread.
    public var lockedToThread: Int
    /// Frames, innermost first.
    public var frames: [StackFrame]
    /// The `created by` frame.
    public var createdBy: StackFrame?
    /// Up to 5 goroutine ids of the group (debug=2).
    public var sampleIDs: [Int]
    /// Argument lists of the first goroutine, per frame, when known (debug=2).
    public var arguments: [String]

    /// The states sorted by count, most common first.
    public var stateSummary: String {
        states.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key).joined(separator: ", ")
    }

    /// The innermost frame of the application's own code (not runtime or standard library).
    public var topApplicationFrame: StackFrame? { frames.first { !$0.isStandardLibrary } }

    /// A key that identifies the stack across dumps (functions and locations), for comparing dumps.
    public var signature: String {
        var s = frames.map { "\($0.function)@\($0.location)" }.joined(separator: "|")
        if let c = createdBy { s += "<" + c.function + "@" + c.location }
        return s
    }
}
