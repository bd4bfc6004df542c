/// The source the fleet comes from when it is not the target list (a Prometheus-compatible server): where it is,
/// what it settled on, and how its last refresh went.
public struct SourceState: Sendable, Equatable {
    /// The server, for the title and messages (no credentials: they never travel in the URL).
    public var url: String
    public var configuration: SourceConfiguration?
    /// When the last refresh answered (the queries' evaluation time).
    public var lastRefresh: Double?
    /// The server's warnings on the last refresh, verbatim.
    public var warnings: [String] = []
    /// The last refresh's error (naming the query and the server's message); nil once a refresh works.
    public var error: String?
    /// Instance name → its row: instances come and go, rows stay.
    public var rows: [String: InstanceID] = [:]
    /// The base URL of a `kubectl proxy` (`svctop prom --kubernetes`): instances whose series name their pod are
    /// sent requests through the API server's pod proxy; `podContext` is the kubeconfig context, for the journal.
    public var podProxy: String?
    public var podContext = ""

    public init(url: String) { self.url = url }

    /// What the status bar shows about the source when something is wrong: the error, else the warnings.
    public var problem: String? {
        if let error { return error }
        return warnings.isEmpty ? nil : "server warning: " + warnings.joined(separator: "; ")
    }
}
