/// How to reach a target: headers, credentials and TLS. Secrets are held here only, never printed.
public struct TransportOptions: Sendable, Equatable {
    /// Extra request headers (name, value).
    public var headers: [Header] = []
    /// Bearer token (read from a file or an environment variable by the caller).
    public var bearerToken: Secret?
    /// Basic auth (user, password) from an environment variable.
    public var basicAuth: (user: String, password: Secret)? {
        get { basicUser.map { ($0, basicPassword ?? Secret("")) } }
        set {
            basicUser = newValue?.user
            basicPassword = newValue?.password
        }
    }
    private var basicUser: String?
    private var basicPassword: Secret?
    /// PEM file of the CA that signs the target's certificate.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Skip certificate verification. Only when explicitly configured.
    public var insecureSkipVerify = false

    public init() {}

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var usesCustomTLS: Bool { caFile != nil || certFile != nil || insecureSkipVerify }
}
