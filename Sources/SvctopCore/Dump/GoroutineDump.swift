/// A parsed and grouped goroutine dump (`/debug/pprof/goroutine?debug=1` or `?debug=2`).
public struct GoroutineDump: Sendable, Equatable {
    public var debugLevel: Int
    /// Goroutines in the dump.
    public var total: Int
    /// Groups, largest first.
    public var groups: [GoroutineGroup]
    public var mode: GroupingMode
    /// Lines that could not be understood (garbage, truncation); the rest of the dump is still used.
    public var skippedLines: Int
    /// The `goroutine profile: total N` header value (debug=1), when present.
    public var declaredTotal: Int?

    public init(
        debugLevel: Int, total: Int, groups: [GoroutineGroup], mode: GroupingMode, skippedLines: Int,
        declaredTotal: Int? = nil
    ) {
        self.debugLevel = debugLevel
        self.total = total
        self.groups = groups
        self.mode = mode
        self.skippedLines = skippedLines
        self.declaredTotal = declaredTotal
    }
}
