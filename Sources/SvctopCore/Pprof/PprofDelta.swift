/// How one function's value changed between two profiles of the same kind and instance.
public struct PprofDelta: Sendable, Equatable {
    public var name: String
    public var file: String
    public var isStandardLibrary: Bool
    public var before: Int64
    public var after: Int64
    /// Change per minute between the two profiles (heap: in-use growth rate), nil when they were taken at the
    /// same moment. For CPU profiles, `before` and `after` are per second of profiling and this is nil.
    public var perMinute: Double?

    public var growth: Int64 { after - before }
}
