import Foundation
import SvctopCore

/// Makes Core's `Pod` from the API's pod object: identity, phase, readiness, the watched container's restarts,
/// last termination and memory limit, and where its metrics and probes answer.
///
/// The metrics port, first found wins: `--port` (a number, or a container port's name); a container port named
/// `metrics` or `http-metrics`; the `prometheus.io/port` annotation (with `prometheus.io/path`); the first
/// container port. The watched container is the one that has that port (else the first). Liveness and readiness
/// are that container's own `httpGet` probes, so svctop probes what the kubelet probes.
enum PodReader {
    static func pod(_ api: APIPod, port choice: PortChoice?) -> Pod? {
        guard let meta = api.metadata, let name = meta.name, let uid = meta.uid else { return nil }
        let containers = api.spec?.containers ?? []
        let annotations = meta.annotations ?? [:]
        var pod = Pod(
            namespace: meta.namespace ?? "default", name: name, uid: uid, node: api.spec?.nodeName,
            phase: api.status?.phase ?? "Pending",
            isReady: api.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false,
            isTerminating: meta.deletionTimestamp != nil)
        let path = annotations["prometheus.io/path"].flatMap { $0.isEmpty ? nil : $0 } ?? "/metrics"
        var container: APIPod.Container? = containers.first
        func owner(of port: Int) -> APIPod.Container? {
            containers.first { ($0.ports ?? []).contains { $0.containerPort == port } }
        }
        func named(_ names: [String]) -> (APIPod.Container, Int)? {
            for c in containers {
                if let p = (c.ports ?? []).first(where: { names.contains($0.name ?? "") }) {
                    return (c, p.containerPort)
                }
            }
            return nil
        }
        switch choice {
        case .number(let n):
            container = owner(of: n) ?? containers.first
            pod.metrics = PodEndpoint(port: n, path: path)
        case .name(let portName):
            if let (c, n) = named([portName]) {
                container = c
                pod.metrics = PodEndpoint(port: n, path: path)
            } else {
                pod.problem = "no container port named \(portName)"
            }
        case nil:
            if let (c, n) = named(["metrics", "http-metrics"]) {
                container = c
                pod.metrics = PodEndpoint(port: n, path: path)
            } else if let text = annotations["prometheus.io/port"], let n = Int(text), (1...65535).contains(n) {
                container = owner(of: n) ?? containers.first
                pod.metrics = PodEndpoint(port: n, path: path)
            } else if let c = containers.first(where: { !($0.ports ?? []).isEmpty }), let p = c.ports?.first {
                container = c
                pod.metrics = PodEndpoint(port: p.containerPort, path: path)
            } else {
                pod.problem = "no container port and no prometheus.io/port annotation (use --port)"
            }
        }
        if let c = container {
            pod.liveness = probe(c.livenessProbe, in: c)
            pod.readiness = probe(c.readinessProbe, in: c)
            pod.memoryLimit = c.resources?.limits?["memory"].flatMap(KubeQuantity.value)
            let status = api.status?.containerStatuses?.first { $0.name == c.name }
            pod.restarts = status?.restartCount ?? 0
            if let t = status?.state?.terminated ?? status?.lastState?.terminated {
                pod.lastTermination = PodTermination(
                    reason: t.reason ?? "Terminated", exitCode: t.exitCode ?? 0,
                    finishedAt: t.finishedAt.flatMap(Self.time))
            }
        }
        return pod
    }

    /// An HTTP probe's port and path; nil for exec, TCP and gRPC probes, and for HTTPS ones (the pod proxy
    /// speaks HTTP to the pod).
    static func probe(_ probe: APIPod.Probe?, in container: APIPod.Container) -> PodEndpoint? {
        guard let get = probe?.httpGet, (get.scheme ?? "HTTP").uppercased() == "HTTP" else { return nil }
        let port: Int?
        switch get.port {
        case .int(let n): port = n
        case .string(let name): port = container.ports?.first { $0.name == name }?.containerPort
        case nil: port = nil
        }
        guard let port else { return nil }
        return PodEndpoint(port: port, path: get.path ?? "/")
    }

    /// RFC 3339 time (the API's), in seconds since the epoch.
    static func time(_ text: String) -> Double? { UTCTime.parse(text) }
}
