/// The two profiles svctop takes from a Go service's `net/http/pprof`.
public enum PprofKind: String, Sendable, Equatable, CaseIterable {
    case cpu
    case heap

    /// "CPU profile", "heap profile".
    public var title: String { self == .cpu ? "CPU profile" : "heap profile" }
}
