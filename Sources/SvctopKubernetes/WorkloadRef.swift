/// What `svctop k8s` is asked to watch: a label selector, or a workload whose pods to watch (kubectl's
/// TYPE/NAME, with its short names).
public enum WorkloadRef: Sendable, Equatable, CustomStringConvertible {
    case selector(String)
    /// deployments, statefulsets, daemonsets, replicasets (apps/v1).
    case apps(resource: String, name: String)
    case service(String)
    case pod(String)

    /// Parses "deploy/api", "sts/db", "svc/web", "pod/api-7d9f-x2" (and kubectl's long and plural forms).
    public init(_ text: String) throws(WorkloadRefError) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw WorkloadRefError(
                text: text, reason: "expected TYPE/NAME (deploy/NAME, sts/NAME, svc/NAME, pod/NAME) or -l SELECTOR")
        }
        let name = parts[1]
        switch parts[0].lowercased() {
        case "deploy", "deployment", "deployments", "deployment.apps": self = .apps(resource: "deployments", name: name)
        case "sts", "statefulset", "statefulsets", "statefulset.apps":
            self = .apps(resource: "statefulsets", name: name)
        case "ds", "daemonset", "daemonsets", "daemonset.apps": self = .apps(resource: "daemonsets", name: name)
        case "rs", "replicaset", "replicasets", "replicaset.apps": self = .apps(resource: "replicasets", name: name)
        case "svc", "service", "services": self = .service(name)
        case "po", "pod", "pods": self = .pod(name)
        default:
            throw WorkloadRefError(
                text: text, reason: "unknown type '\(parts[0])' (deploy, sts, ds, rs, svc or pod)")
        }
    }

    public var description: String {
        switch self {
        case .selector(let s): return "-l \(s)"
        case .apps(let resource, let name):
            let short = ["deployments": "deploy", "statefulsets": "sts", "daemonsets": "ds", "replicasets": "rs"]
            return "\(short[resource] ?? resource)/\(name)"
        case .service(let name): return "svc/\(name)"
        case .pod(let name): return "pod/\(name)"
        }
    }
}

/// A workload argument svctop does not understand.
public struct WorkloadRefError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid workload '\(text)': \(reason)" }
}
