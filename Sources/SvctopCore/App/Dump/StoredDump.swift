/// A dump kept for comparison.
public struct StoredDump: Sendable, Equatable {
    public var instance: InstanceID
    public var fetchedAt: Double
    public var dump: GoroutineDump
}
