/// The endpoints svctop talks to on a service.
public struct Endpoints: Sendable, Equatable, Codable {
    public var metrics = Endpoint("GET", "/metrics")
    public var liveness = Endpoint("GET", "/healthz")
    public var readiness = Endpoint("GET", "/readyz")
    public var goroutineDump = Endpoint("GET", "/debug/pprof/goroutine")
    public var cpuProfile = Endpoint("GET", "/debug/pprof/profile")
    public var heapProfile = Endpoint("GET", "/debug/pprof/heap")
    public var logLevel = Endpoint("GET", "/log/level")
    public var setLogLevel = Endpoint("PUT", "/log/level")
    public var drain = Endpoint("POST", "/admin/drain")
    public var undrain = Endpoint("POST", "/admin/undrain")
    public init() {}

    /// The liveness or readiness endpoint.
    public func pprof(_ kind: PprofKind) -> Endpoint { kind == .cpu ? cpuProfile : heapProfile }

    public func probe(_ kind: ProbeKind) -> Endpoint { kind == .liveness ? liveness : readiness }
}
