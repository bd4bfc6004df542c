/// Per-handler latency for the breakdown table.
public struct HandlerLatency: Sendable, Equatable {
    public var handler: String
    public var summary: LatencySummary
}
