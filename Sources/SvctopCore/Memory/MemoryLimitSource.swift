/// Which limit memory is measured against: the one whose crossing ends the process.
public enum MemoryLimitSource: Sendable, Equatable {
    /// The Go runtime's soft limit (GOMEMLIMIT), exported by the service.
    case goSoftLimit
    /// The container's cgroup limit, exported by the service.
    case container
    /// `memory_limit` in the profile or target config.
    case configured
    /// Another exported metric, by name.
    case exported(String)

    /// The source of a reading's limit, from the metric it was read from.
    public init(metric: String) {
        switch metric {
        case "go_gc_gomemlimit_bytes", "process_memory_limit_bytes": self = .goSoftLimit
        case "container_spec_memory_limit_bytes": self = .container
        case "config memory_limit": self = .configured
        default: self = .exported(metric)
        }
    }

    /// How the instance view names it.
    public var name: String {
        switch self {
        case .goSoftLimit: return "the Go soft limit"
        case .container: return "the container limit"
        case .configured: return "the configured limit"
        case .exported(let metric): return metric
        }
    }
}
