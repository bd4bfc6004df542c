/// A profile being taken: a CPU profile runs for `seconds` on the service before anything comes back.
public struct PprofLoading: Sendable, Equatable {
    public var instance: InstanceID
    public var kind: PprofKind
    public var seconds: Int
    public var since: Double
}
