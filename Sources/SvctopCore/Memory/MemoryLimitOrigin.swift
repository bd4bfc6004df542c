/// Where a limit that the service does not export comes from.
public enum MemoryLimitOrigin: String, Sendable, Equatable, Codable {
    /// `memory_limit` in the profile or target config.
    case config
    /// The pod's `resources.limits.memory` (Kubernetes).
    case podSpec = "pod_spec"

    /// The name a reading gives as the limit's source.
    public var metricName: String {
        switch self {
        case .config: return "config memory_limit"
        case .podSpec: return "pod spec resources.limits.memory"
        }
    }
}
