/// How one group changed between two dumps.
public struct GroupDelta: Sendable, Equatable {
    public var group: GoroutineGroup
    public var before: Int
    public var after: Int
    /// Change per minute over the time between the dumps (nil when the dumps were taken at the same time).
    public var perMinute: Double?
    public var growth: Int { after - before }
}
