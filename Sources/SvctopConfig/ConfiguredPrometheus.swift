import SvctopCore

/// The `prometheus:` section: a Prometheus-compatible server as the source of the fleet.
public struct ConfiguredPrometheus: Sendable, Equatable {
    public var url: String
    public var selector: String = ""
    public var instanceLabel: String = "instance"
    public var step: Double?
    public var scrapeInterval: Double?
    public var profile: String?
    /// The server's own auth and tls, when they differ from the defaults.
    public var access: AccessConfig?

    public init(url: String) { self.url = url }
}
