/// Per-handler latency for the breakdown table.
public struct HandlerLatency: Sendable, Equatable {
    public var handler: String
    public var summary: LatencySummary

    public init(handler: String, summary: LatencySummary) {
        self.handler = handler
        self.summary = summary
    }

    /// The breakdown's order: the busiest handler first, then by name.
    public static func busiestFirst(_ a: HandlerLatency, _ b: HandlerLatency) -> Bool {
        (a.summary.rate ?? 0, b.handler) > (b.summary.rate ?? 0, a.handler)
    }
}
