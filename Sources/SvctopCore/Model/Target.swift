/// A stable identifier of a watched instance (its position in the target list).
public typealias InstanceID = Int

/// A service instance to watch.
public struct Target: Sendable, Equatable {
    public var name: String
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:8080` or `https://host:8443/base`.
    public var baseURL: String
    public var profile: Profile
    /// Credentials, headers and TLS for this target alone (from its entry in the config file); nil means the
    /// defaults.
    public var transport: TransportOptions?

    public init(name: String, baseURL: String, profile: Profile = .go, transport: TransportOptions? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.profile = profile
        self.transport = transport
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
