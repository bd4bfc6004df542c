import SvctopCore

/// The `kubernetes:` section (and `svctop k8s`'s flags, merged over it): which pods to watch and how to reach the
/// API server. Workload texts are checked when the watch starts (`SvctopKubernetes.WorkloadRef`).
public struct ConfiguredKubernetes: Sendable, Equatable {
    public var namespace: String?
    public var allNamespaces = false
    public var selector: String?
    /// `deploy/NAME`, `sts/NAME`, `ds/NAME`, `rs/NAME`, `svc/NAME`, `pod/NAME`.
    public var workloads: [String] = []
    public var context: String?
    public var kubeconfig: String?
    /// The metrics port: a number or a container port's name.
    public var port: String?
    /// Seconds a deleted pod's row stays; nil for the default (2 minutes).
    public var goneGrace: Double?
    /// How the pods are reached: the pod proxy (the default) or one port-forward per pod.
    public var via: PodTransport = .proxy

    public init() {}
}
