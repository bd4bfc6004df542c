/// One instance's latency by handler as its source computed it: what the instance view's handler table shows for
/// an instance svctop does not scrape itself.
public struct SourceHandlers: Sendable, Equatable {
    /// The instance, by its name in the source.
    public var key: String
    /// The evaluation time of the query, seconds since the epoch.
    public var time: Double
    /// Busiest first.
    public var handlers: [HandlerLatency]

    public init(key: String, time: Double, handlers: [HandlerLatency]) {
        self.key = key
        self.time = time
        self.handlers = handlers
    }
}
