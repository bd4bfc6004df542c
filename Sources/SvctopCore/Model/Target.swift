/// A stable identifier of a watched instance (its position in the target list).
public typealias InstanceID = Int

/// A service instance to watch.
public struct Target: Sendable, Equatable {
    public var name: String
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8080` or `https://host:8443/base`.
    public var baseURL: String
    /// Where liveness and readiness are probed, when not at `baseURL` (a port-forwarded pod whose kubelet probes
    /// another port than the metrics one): the probe paths are relative to it.
    public var probeBaseURL: String?
    public var profile: Profile
    /// Credentials, headers and TLS for this target alone (from its entry in the config file); nil means the
    /// defaults.
    public var transport: TransportOptions?
    /// The instance's name in a source (the instance label's value), when it came from one rather than from the
    /// target list.
    public var sourceKey: String?
    /// Who this target is in Kubernetes (context, namespace, pod, uid), for the journal; nil elsewhere.
    public var kubernetes: [String: String]?

    public init(
        name: String, baseURL: String, profile: Profile = .go, transport: TransportOptions? = nil,
        sourceKey: String? = nil
    ) {
        self.name = name
        self.baseURL = baseURL
        self.profile = profile
        self.transport = transport
        self.sourceKey = sourceKey
    }

    /// Whether svctop can send this instance requests of its own (dumps, profiles, log level, drain): false for
    /// an instance a source names without an address.
    public var isReachable: Bool { !baseURL.isEmpty }

    /// Why an instance cannot be sent requests, for the status bar.
    public var unreachableReason: String {
        if kubernetes != nil { return "\(name): its port-forward is not up yet" }
        return "\(name) has no address svctop can reach: its series carry no host:port in the instance label"
    }

    /// An instance a source names: reachable at `http://host:port` when the name is one, else not at all (never
    /// guessed).
    public static func fromSource(key: String, profile: Profile) -> Target {
        var url = ""
        if let parsed = try? Target.parse(key, profile: profile), !key.contains("/"), !key.contains("="),
            key.contains(":")
        {
            url = parsed.baseURL
        }
        return Target(name: key, baseURL: url, profile: profile, sourceKey: key)
    }

    /// The full URL of an endpoint path (which may carry a query).
    public func url(_ path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

    /// Parses a command-line target: `host:port`, `http(s)://host:port[/base]` or `name=URL`.
    ///
    /// - Throws: `TargetError` naming what is wrong.
    public static func parse(_ spec: String, profile: Profile = .go) throws(TargetError) -> Target {
        var name: String?
        var rest = spec.trimmingSpaces()
        if let eq = rest.firstIndex(of: "="), !rest[..<eq].contains("/"), !rest[..<eq].contains(":") {
            name = String(rest[..<eq])
            rest = String(rest[rest.index(after: eq)...])
            if name!.isEmpty { throw TargetError(spec: spec, reason: "empty name before '='") }
        }
        guard !rest.isEmpty else { throw TargetError(spec: spec, reason: "empty target") }
        var url = rest
        if !url.contains("://") { url = "http://" + url }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw TargetError(spec: spec, reason: "only http and https URLs are supported")
        }
        let afterScheme = url.drop { $0 != ":" }.dropFirst(3)
        let hostPort = afterScheme.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !hostPort.isEmpty else { throw TargetError(spec: spec, reason: "missing host") }
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            let port = hostPort[hostPort.index(after: colon)...]
            guard let p = Int(port), (1...65535).contains(p) else {
                throw TargetError(spec: spec, reason: "invalid port '\(port)'")
            }
        }
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/metrics") { url.removeLast("/metrics".count) }
        return Target(name: name ?? String(hostPort), baseURL: url, profile: profile)
    }
}

/// A target that could not be understood.
public struct TargetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var spec: String
    public var reason: String
    public var description: String { "invalid target '\(spec)': \(reason)" }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
