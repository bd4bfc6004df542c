/// Which limit memory is measured against: the one whose crossing ends the process.
public enum MemoryLimitSource: Sendable, Equatable {
    /// The Go runtime's soft limit (GOMEMLIMIT), exported by the service.
    case goSoftLimit
    /// The container's cgroup limit, exported by the service.
    case container
    /// `memory_limit` in the profile or target config.
    case configured
    /// The pod's `resources.limits.memory` (Kubernetes), when the service exports no limit.
    case podSpec
    /// Another exported metric, by name.
    case exported(String)

    /// The source of a reading's limit, from the metric it was read from.
    public init(metric: String) {
        switch metric {
        case "go_gc_gomemlimit_bytes", "process_memory_limit_bytes": self = .goSoftLimit
        case "container_spec_memory_limit_bytes": self = .container
        case MemoryLimitOrigin.config.metricName: self = .configured
        case MemoryLimitOrigin.podSpec.metricName: self = .podSpec
        default: self = .exported(metric)
        }
    }

    /// A short tag beside the limit's value: "Go soft", "cgroup", "config", "pod spec".
    public var tag: String {
        switch self {
        case .goSoftLimit: return "Go soft"
        case .container: return "cgroup"
        case .configured: return "config"
        case .podSpec: return "pod spec"
        case .exported(let metric): return metric
        }
    }

    /// How the instance view names it.
    public var name: String {
        switch self {
        case .goSoftLimit: return "the Go soft limit"
        case .container: return "the container limit"
        case .configured: return "the configured limit"
        case .podSpec: return "the pod's memory limit"
        case .exported(let metric): return metric
        }
    }
}

extension MemoryLimitSource {
    /// The snapshot's `memory_limit_source`: `service` (exported by it), `pod_spec` or `config`.
    public var snapshotName: String {
        switch self {
        case .configured: return "config"
        case .podSpec: return "pod_spec"
        default: return "service"
        }
    }
}
