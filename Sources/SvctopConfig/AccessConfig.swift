import SvctopCore

/// Credentials, headers and TLS as the file gives them: secrets only by reference (a file or an environment
/// variable), read when svctop starts.
public struct AccessConfig: Sendable, Equatable {
    /// Headers and TLS files (no secrets).
    public var transport = TransportOptions()
    public var bearerTokenFile: String?
    public var bearerTokenEnv: String?
    public var basicAuthEnv: String?

    public init() {}

    /// Whether credentials are configured here (they then replace, not add to, the defaults').
    public var hasCredentials: Bool { bearerTokenFile != nil || bearerTokenEnv != nil || basicAuthEnv != nil }
}
