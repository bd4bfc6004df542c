/// A pod, as svctop uses it: who it is, where it runs, how it is doing according to Kubernetes, and where its
/// service answers. Made from the API's pod object by `SvctopKubernetes.PodReader`; pure data here.
public struct Pod: Sendable, Equatable, Codable {
    public var namespace: String
    public var name: String
    /// Identity: a replacement pod has a new one, even under the same name.
    public var uid: String
    public var node: String?
    /// `status.phase`: Pending, Running, Succeeded, Failed, Unknown.
    public var phase: String
    /// The `Ready` condition.
    public var isReady: Bool
    /// Restarts of the watched container.
    public var restarts: Int
    /// The watched container's last termination (`lastState.terminated`), or its current one when it is
    /// terminated now.
    public var lastTermination: PodTermination?
    /// `resources.limits.memory` of the watched container, in bytes.
    public var memoryLimit: Double?
    /// The port and path the metrics are read from; nil when the pod has no usable port (`problem` says why).
    public var metrics: PodEndpoint?
    /// What the kubelet probes (`httpGet` of the container's probes), when it probes over HTTP.
    public var liveness: PodEndpoint?
    public var readiness: PodEndpoint?
    /// Why svctop cannot scrape this pod, when it cannot.
    public var problem: String?
    /// Set once the pod is being deleted (`metadata.deletionTimestamp`).
    public var isTerminating: Bool

    public init(
        namespace: String, name: String, uid: String, node: String? = nil, phase: String = "Running",
        isReady: Bool = true, restarts: Int = 0, lastTermination: PodTermination? = nil, memoryLimit: Double? = nil,
        metrics: PodEndpoint? = nil, liveness: PodEndpoint? = nil, readiness: PodEndpoint? = nil,
        problem: String? = nil, isTerminating: Bool = false
    ) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.node = node
        self.phase = phase
        self.isReady = isReady
        self.restarts = restarts
        self.lastTermination = lastTermination
        self.memoryLimit = memoryLimit
        self.metrics = metrics
        self.liveness = liveness
        self.readiness = readiness
        self.problem = problem
        self.isTerminating = isTerminating
    }

    /// Whether svctop scrapes it: running, with a port.
    public var isScrapable: Bool { phase == "Running" && metrics != nil }

    /// The target that reaches this pod through the API server's pod proxy at `proxy` (the base URL of
    /// `kubectl proxy`): every endpoint of `profile` goes to the metrics port, except liveness and readiness, which
    /// go where the kubelet probes; the journal names `context`, the namespace, the pod and its UID. `qualified`
    /// names the row namespace/name (several namespaces on screen).
    public func target(proxy: String, profile: Profile, qualified: Bool, context: String) -> Target {
        var base = proxy
        while base.hasSuffix("/") { base.removeLast() }
        return target(
            baseURL: "\(base)/api/v1/namespaces/\(namespace)/pods", probeBaseURL: nil, profile: profile,
            qualified: qualified, context: context
        ) { port, path in "/\(name):\(port)/proxy" + path }
    }

    /// The ports a port-forward to this pod carries: the metrics port, then the probes' port when it is another.
    public var forwardedPorts: [Int] {
        guard let port = metrics?.port else { return [] }
        let probe = probePort
        return probe == port ? [port] : [port, probe]
    }

    /// The one port the probes go to through a port-forward: the liveness probe's, else the readiness probe's,
    /// else the metrics port.
    var probePort: Int { liveness?.port ?? readiness?.port ?? metrics?.port ?? 0 }

    /// The target that reaches this pod through a `kubectl port-forward` whose local ports are `local` (pod port →
    /// loopback port): metrics, dumps, profiles and actions at the metrics port's, probes at the probe port's.
    /// Without a forward for the metrics port, a target with no address yet (`isReachable` false).
    public func target(forwarded local: [Int: Int], profile: Profile, qualified: Bool, context: String) -> Target {
        let metricsLocal = metrics.flatMap { local[$0.port] }
        let probeLocal = local[probePort] ?? metricsLocal
        return target(
            baseURL: metricsLocal.map { "http://127.0.0.1:\($0)" } ?? "",
            probeBaseURL: probeLocal == metricsLocal ? nil : probeLocal.map { "http://127.0.0.1:\($0)" },
            profile: profile, qualified: qualified, context: context
        ) { _, path in path }
    }

    private func target(
        baseURL: String, probeBaseURL: String?, profile: Profile, qualified: Bool, context: String,
        at: (_ port: Int, _ path: String) -> String
    ) -> Target {
        var profile = profile
        let port = metrics?.port ?? 0
        func via(_ endpoint: Endpoint, port: Int, path: String? = nil) -> Endpoint {
            var e = endpoint
            let p = path ?? endpoint.path
            e.path = at(port, p.hasPrefix("/") ? p : "/" + p)
            return e
        }
        var e = profile.endpoints
        e.metrics = via(e.metrics, port: port, path: metrics?.path)
        e.liveness = via(e.liveness, port: liveness?.port ?? port, path: liveness?.path)
        e.readiness = via(e.readiness, port: readiness?.port ?? port, path: readiness?.path)
        for keyPath in [
            \Endpoints.goroutineDump, \.cpuProfile, \.heapProfile, \.logLevel, \.setLogLevel, \.drain, \.undrain,
        ] {
            e[keyPath: keyPath] = via(e[keyPath: keyPath], port: port)
        }
        profile.endpoints = e
        if profile.memoryLimit == nil, let limit = memoryLimit {
            profile.memoryLimit = limit
            profile.memoryLimitOrigin = .podSpec
        }
        var target = Target(name: qualified ? "\(namespace)/\(name)" : name, baseURL: baseURL, profile: profile)
        target.probeBaseURL = probeBaseURL
        target.kubernetes = ["context": context, "namespace": namespace, "pod": name]
        if !uid.isEmpty { target.kubernetes?["uid"] = uid }
        return target
    }
}
