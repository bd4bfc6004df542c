/// The fleet when it is the pods of a Kubernetes selection: where they are reached, which row each pod is, and how
/// the watch is going.
public struct KubernetesState: Sendable, Equatable, Codable {
    /// The kubeconfig context, for the title and the journal.
    public var context: String
    /// The namespace watched, or nil for all namespaces (`-A`).
    public var namespace: String?
    /// What was asked for: "-l app=shop", "deploy/api", … (for the title).
    public var selection: String
    /// The base URL of the API server's pod proxy (`kubectl proxy`).
    public var proxy: String
    /// How rows reach their pods: the API server's pod proxy, or one `kubectl port-forward` per pod.
    public var via: PodTransport = .proxy
    /// Row → the local ports of its pod's port-forward (pod port → loopback port), once kubectl serves them.
    public var forwards: [InstanceID: [Int: Int]] = [:]
    /// Pod UID → its row: a replacement pod is a new row.
    public var rows: [String: InstanceID] = [:]
    /// Pod UID → the selection that last saw it.
    public var scopes: [String: String] = [:]
    /// How long a deleted pod's row stays on screen, marked gone.
    public var goneGrace: Double
    /// The watch's last problem (the API refused, the proxy died), until it works again.
    public var error: String?
    /// Whether the first list has answered.
    public var isListed = false

    /// A recording keeps what the rows are; how they were reached stays with the live session.
    enum CodingKeys: String, CodingKey {
        case context, namespace, selection, proxy, rows, scopes, goneGrace, error, isListed
    }

    public init(context: String, namespace: String?, selection: String, proxy: String, goneGrace: Double = 120) {
        self.context = context
        self.namespace = namespace
        self.selection = selection
        self.proxy = proxy
        self.goneGrace = goneGrace
    }
}
