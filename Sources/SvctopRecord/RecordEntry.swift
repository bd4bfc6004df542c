/// A recorded item and when it happened (seconds since the epoch, the `now` it was reduced at).
public struct RecordEntry: Sendable {
    public var time: Double
    public var recorded: Recorded

    public init(time: Double, recorded: Recorded) {
        self.time = time
        self.recorded = recorded
    }
}
