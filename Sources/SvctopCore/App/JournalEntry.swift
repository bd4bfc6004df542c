/// One line of the audit journal: a mutating action, performed or refused.
public struct JournalEntry: Sendable, Codable, Equatable {
    /// ISO 8601 UTC time.
    public var time: String
    public var user: String
    public var host: String
    public var target: String
    public var url: String
    public var action: String
    public var parameters: [String: String]
    /// "ok", "http_error", "failed", "cancelled", "refused".
    public var result: String
    public var status: Int?
    public var response: String?
    public var durationMs: Int?
    /// The svctop version that acted (journals outlive upgrades).
    public var version: String?
    /// The pod acted on (context, namespace, pod, uid), when the target is one.
    public var kubernetes: [String: String]?

    public init(
        time: String, user: String, host: String, target: String, url: String, action: String,
        parameters: [String: String], result: String, status: Int? = nil, response: String? = nil,
        durationMs: Int? = nil, version: String? = SvctopVersion.current
    ) {
        self.time = time
        self.user = user
        self.host = host
        self.target = target
        self.url = url
        self.action = action
        self.parameters = parameters
        self.result = result
        self.status = status
        self.response = response
        self.durationMs = durationMs
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case time, user, host, target, url, action, parameters, result, status, response, version, kubernetes
        case durationMs = "duration_ms"
    }
}
