/// A profile kept for comparison with the next one of the same kind and instance.
public struct StoredPprof: Sendable, Equatable {
    public var instance: InstanceID
    public var fetchedAt: Double
    public var profile: PprofProfile
}
