import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import SvctopDemo
import NIOCore
import NIOSSL

/// A test Kubernetes API server: the REST shapes svctop and `kubectl proxy` use, over TLS with a bearer token,
/// backed by real processes on loopback.
///
/// What it models: `/version`, `/api`, `/apis`, `/api/v1` (discovery, minimal); a pod by name; pods list and watch (core/v1, one namespace
/// or all, `labelSelector` with `=`, `!=`, `in`, `notin`, exists and `!key`, `fieldSelector=metadata.name=`),
/// resourceVersion on every change, watches that start from a version, end after `timeoutSeconds` or when the
/// test expires them, and answer a version older than the last compaction with an ERROR event 410 Gone;
/// bookmarks are not sent. Deployments, statefulsets, daemonsets, replicasets (apps/v1) and services by name,
/// for their selectors. The pod proxy subresource (`/api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH`), forwarded
/// to the process that plays the pod, or 403 when the test forbids it (RBAC without `pods/proxy`). The pod
/// portforward subresource over SPDY/3.1 (`KubeFront`, `SpdyPortForward`), joined to the same process, or 403 when
/// forbidden. 401 without the token.
///
/// What it does not model: authentication other than one bearer token, RBAC beyond that one switch, any other
/// resource or verb (create, patch, delete through the API), field selectors other than metadata.name, watch
/// bookmarks, chunked lists (`limit`/`continue`), protobuf, server-side apply, admission, and the kubelet: a pod's
/// status is whatever the test sets. Port-forward: not the WebSocket tunnel (kubectl falls back to SPDY), not the
/// stream headers (every stream goes to the pod's one process), not flow control.
final class KubeTestAPI: @unchecked Sendable {
    struct FakePod: Sendable {
        var namespace = "shop"
        var name: String
        var uid = UUID().uuidString.lowercased()
        var labels: [String: String] = ["app": "api"]
        var node = "node-1"
        var phase = "Running"
        var ready = true
        var restarts = 0
        var lastTerminated: (reason: String, exitCode: Int, finishedAt: String)?
        var containerPort = 8080
        var portName: String? = "http"
        var memoryLimit: String?
        var liveness: String? = "/healthz"
        var readiness: String? = "/readyz"
        var annotations: [String: String] = [:]
        var deleting = false
        /// False: the container declares no port (svctop lists the pod with the reason).
        var hasPorts = true
        /// The loopback port of the process that plays this pod.
        var backend: Int

        init(name: String, backend: Int) {
            self.name = name
            self.backend = backend
        }
    }

    private struct Watcher {
        var matches: @Sendable (FakePod) -> Bool
        var continuation: AsyncStream<ByteBuffer>.Continuation
    }

    private let lock = NSLock()
    private var pods: [String: FakePod] = [:]
    private var version = 1000
    private var log: [(version: Int, type: String, pod: FakePod)] = []
    private var compactedAt = 0
    private var watchers: [UUID: Watcher] = [:]
    private var workloads: [String: [String: String]] = [:]
    private(set) var listCount = 0
    private(set) var watchCount = 0
    /// Requests forwarded to pods through the pod proxy subresource.
    var proxiedCount: Int { lock.withLock { proxied } }
    private var proxied = 0
    var forbidProxy = false
    var forbidPortForward = false
    private var front: KubeFront?
    /// Streams opened through the portforward subresource (two per forwarded connection: error and data).
    var forwardedStreams: Int { front?.streams.value ?? 0 }
    let token: String
    private var servers: ServerLifetime?
    private let portBox = LockedBox<Int?>(nil)

    var port: Int { front?.port ?? 0 }
    var url: String { "https://127.0.0.1:\(port)" }

    init(token: String = "test-token-\(UUID().uuidString.prefix(8))") {
        self.token = token
    }

    static var fixtures: String { Tmux.repository.appendingPathComponent("Tests/SvctopNetworkTests/Fixtures/tls").path }

    func start() async throws {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(Self.fixtures + "/server.pem").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: Self.fixtures + "/server.key", format: .pem)))
        var logger = Logger(label: "kube-test-api")
        logger.logLevel = .critical
        let app = Application(
            responder: CallbackResponder { [self] (request: Request, _: BasicRequestContext) in await respond(request)
            },
            server: .http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { [portBox] channel in portBox.value = channel.localAddress?.port },
            logger: logger)
        servers = ServerLifetime([app], name: "kube-test-api", logger: logger)
        let deadline = Date().addingTimeInterval(10)
        while portBox.value == nil {
            guard Date() < deadline else { throw KubeTestError(description: "the test API server did not start") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let front = KubeFront(inner: portBox.value!) { [self] namespace, name, authorization in
            guard authorization == "Bearer \(token)" else { return .refuse(401) }
            if forbidPortForward { return .refuse(403) }
            guard let pod = lock.withLock({ pods.values.first { $0.namespace == namespace && $0.name == name } })
            else { return .refuse(404) }
            return .pod(pod.backend)
        }
        try await front.start(tls: tls)
        self.front = front
    }

    func stop() {
        front?.stop()
        expireWatches()
        // In the background: the tests stop it from synchronous code (defer), and nothing waits for it.
        if let servers { Task { await servers.stop() } }
    }

    /// A kubeconfig for this server: TLS verified against the test CA, the bearer token, namespace `shop`.
    func kubeconfig(in directory: String) throws -> String {
        let path = directory + "/kubeconfig"
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: \(url)
                certificate-authority: \(Self.fixtures)/ca.pem
            users:
            - name: tester
              user:
                token: \(token)
            contexts:
            - name: test-ctx
              context: {cluster: test, user: tester, namespace: shop}
            current-context: test-ctx

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    // MARK: The test's side

    func setWorkload(_ kind: String, _ name: String, selector: [String: String]) {
        lock.withLock { workloads["\(kind)/\(name)"] = selector }
    }

    @discardableResult
    func add(_ pod: FakePod) -> FakePod {
        change("ADDED", pod)
        return pod
    }

    func update(_ uid: String, _ edit: (inout FakePod) -> Void) {
        let pod = lock.withLock { () -> FakePod? in
            guard var p = pods[uid] else { return nil }
            edit(&p)
            return p
        }
        if let pod { change("MODIFIED", pod) }
    }

    func delete(_ uid: String) {
        guard let pod = lock.withLock({ pods[uid] }) else { return }
        change("DELETED", pod)
    }

    /// Ends every open watch, as the API server does when a watch times out.
    func expireWatches() {
        // Finished outside the lock: a stream's termination handler takes the lock to forget its watcher.
        let open = lock.withLock {
            defer { watchers = [:] }
            return Array(watchers.values)
        }
        for w in open { w.continuation.finish() }
    }

    /// Forgets the history: a watch from any earlier version gets 410 Gone.
    func compact() {
        lock.withLock { compactedAt = version }
        expireWatches()
    }

    var counts: (lists: Int, watches: Int) { lock.withLock { (listCount, watchCount) } }

    private func change(_ type: String, _ pod: FakePod) {
        let (line, targets) = lock.withLock { () -> (ByteBuffer, [Watcher]) in
            version += 1
            if type == "DELETED" { pods[pod.uid] = nil } else { pods[pod.uid] = pod }
            log.append((version, type, pod))
            return (
                Self.eventLine(type, Self.object(pod, version: version)), watchers.values.filter { $0.matches(pod) }
            )
        }
        for w in targets { w.continuation.yield(line) }
    }

    // MARK: The API

    private func respond(_ request: Request) async -> Response {
        guard request.headers[.authorization] == "Bearer \(token)" else {
            return status(401, "Unauthorized", "Unauthorized")
        }
        let path = request.uri.path
        let query = request.uri.queryParameters
        let parts = path.split(separator: "/").map(String.init)
        switch true {
        case path == "/version":
            return json(["major": "1", "minor": "32", "gitVersion": "v1.32.0-svctop-test"])
        case path == "/api":
            return json(["kind": "APIVersions", "versions": ["v1"]])
        case path == "/apis":
            return json(["kind": "APIGroupList", "groups": [] as [Any]])
        case path == "/api/v1":
            // What `kubectl port-forward pod/NAME` looks up before it asks for the pod.
            func resource(_ name: String, _ kind: String, _ verbs: [String]) -> [String: Any] {
                ["name": name, "singularName": "", "namespaced": true, "kind": kind, "verbs": verbs]
            }
            return json([
                "kind": "APIResourceList", "groupVersion": "v1",
                "resources": [
                    resource("pods", "Pod", ["get", "list", "watch"]),
                    resource("pods/portforward", "PodPortForwardOptions", ["create", "get"]),
                    resource("pods/proxy", "PodProxyOptions", ["create", "delete", "get", "patch", "put"]),
                    resource("services", "Service", ["get"]),
                ],
            ])
        case parts.count == 6 && parts[0] == "api" && parts[4] == "pods":
            guard let pod = lock.withLock({ pods.values.first { $0.namespace == parts[3] && $0.name == parts[5] } })
            else { return status(404, "NotFound", "pods \"\(parts[5])\" not found") }
            return json(lock.withLock { Self.object(pod, version: version) })
        case parts.count >= 7 && parts[0] == "api" && parts[4] == "pods" && parts[6] == "proxy":
            return await proxy(request, namespace: parts[3], podAndPort: parts[5], rest: parts.dropFirst(7))
        case path == "/api/v1/pods" || (parts.count == 5 && parts[0] == "api" && parts[4] == "pods"):
            let namespace = parts.count == 5 ? parts[3] : nil
            let matches = Self.filter(
                namespace: namespace, labels: query["labelSelector"].map(String.init),
                field: query["fieldSelector"].map(String.init))
            if query["watch"] == "1" || query["watch"] == "true" {
                return watch(
                    from: Int(query["resourceVersion"].map(String.init) ?? "") ?? 0, matches: matches,
                    timeout: Double(query["timeoutSeconds"].map(String.init) ?? "") ?? 300)
            }
            return list(matches)
        case parts.count == 7 && parts[0] == "apis" && parts[1] == "apps":
            let kind = ["deployments": "deploy", "statefulsets": "sts", "daemonsets": "ds", "replicasets": "rs"][
                parts[5]]
            guard let kind, let selector = lock.withLock({ workloads["\(kind)/\(parts[6])"] }) else {
                return status(404, "NotFound", "\(parts[5]).apps \"\(parts[6])\" not found")
            }
            return json(["kind": "Deployment", "spec": ["selector": ["matchLabels": selector]]])
        case parts.count == 6 && parts[0] == "api" && parts[4] == "services":
            guard let selector = lock.withLock({ workloads["svc/\(parts[5])"] }) else {
                return status(404, "NotFound", "services \"\(parts[5])\" not found")
            }
            return json(["kind": "Service", "spec": ["selector": selector]])
        default:
            return status(404, "NotFound", "the server could not find the requested resource")
        }
    }

    private func list(_ matches: @escaping @Sendable (FakePod) -> Bool) -> Response {
        let (items, version) = lock.withLock { () -> ([[String: Any]], Int) in
            listCount += 1
            let items = pods.values.filter(matches).sorted { $0.name < $1.name }.map {
                Self.object($0, version: self.version)
            }
            return (items, self.version)
        }
        return json([
            "kind": "PodList", "apiVersion": "v1", "metadata": ["resourceVersion": "\(version)"], "items": items,
        ])
    }

    private func watch(from start: Int, matches: @escaping @Sendable (FakePod) -> Bool, timeout: Double) -> Response {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let id = UUID()
        lock.withLock {
            watchCount += 1
            if start < compactedAt {
                continuation.yield(
                    Self.eventLine(
                        "ERROR",
                        [
                            "kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410, "reason": "Expired",
                            "message": "too old resource version: \(start) (\(compactedAt))",
                        ]))
                continuation.finish()
                return
            }
            for entry in log where entry.version > start && matches(entry.pod) {
                continuation.yield(Self.eventLine(entry.type, Self.object(entry.pod, version: entry.version)))
            }
            watchers[id] = Watcher(matches: matches, continuation: continuation)
        }
        let end = Task {
            try? await Task.sleep(for: .seconds(timeout))
            continuation.finish()
        }
        continuation.onTermination = { [weak self] _ in
            end.cancel()
            self?.lock.withLock { _ = self?.watchers.removeValue(forKey: id) }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                for await line in stream { try await writer.write(line) }
                try await writer.finish(nil)
            })
    }

    private func proxy(
        _ request: Request, namespace: String, podAndPort: String, rest: ArraySlice<String>
    ) async
        -> Response
    {
        if forbidProxy {
            return status(
                403, "Forbidden",
                "pods \"\(podAndPort)\" is forbidden: User \"tester\" cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"\(namespace)\""
            )
        }
        let pieces = podAndPort.split(separator: ":").map(String.init)
        let name = pieces[0]
        let port = pieces.count > 1 ? Int(pieces[1]) : nil
        guard let pod = lock.withLock({ pods.values.first { $0.namespace == namespace && $0.name == name } }) else {
            return status(404, "NotFound", "pods \"\(name)\" not found")
        }
        guard port == nil || port == pod.containerPort else {
            return status(503, "ServiceUnavailable", "no endpoint at port \(port!) of pod \(name)")
        }
        lock.withLock { proxied += 1 }
        var url = "http://127.0.0.1:\(pod.backend)/" + rest.joined(separator: "/")
        if let q = request.uri.query, !q.isEmpty { url += "?" + q }
        var forwarded = HTTPClientRequest(url: url)
        forwarded.method = .init(rawValue: request.method.rawValue)
        if let type = request.headers[.contentType] { forwarded.headers.add(name: "Content-Type", value: type) }
        var request = request
        if let body = try? await request.collectBody(upTo: 1 << 20), body.readableBytes > 0 {
            forwarded.body = .bytes(body)
        }
        do {
            let answer = try await HTTPClient.shared.execute(forwarded, timeout: .seconds(30))
            let body = try await answer.body.collect(upTo: 64 << 20)
            var headers = HTTPFields()
            if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
            return Response(
                status: .init(code: Int(answer.status.code), reasonPhrase: answer.status.reasonPhrase),
                headers: headers, body: .init(byteBuffer: body))
        } catch {
            // The kubelet's answer when the pod's process is gone.
            return status(
                503, "ServiceUnavailable", "error trying to reach service: dial tcp: connect: connection refused")
        }
    }

    // MARK: Shapes

    static func object(_ p: FakePod, version: Int) -> [String: Any] {
        var port: [String: Any] = ["containerPort": p.containerPort, "protocol": "TCP"]
        if let name = p.portName { port["name"] = name }
        var container: [String: Any] = ["name": "app", "image": "example/api:1"]
        if p.hasPorts { container["ports"] = [port] }
        if let limit = p.memoryLimit { container["resources"] = ["limits": ["memory": limit]] }
        if let path = p.liveness { container["livenessProbe"] = ["httpGet": ["path": path, "port": p.containerPort]] }
        if let path = p.readiness {
            container["readinessProbe"] = ["httpGet": ["path": path, "port": p.portName ?? "\(p.containerPort)"]]
        }
        var status: [String: Any] = ["name": "app", "restartCount": p.restarts, "ready": p.ready]
        if let t = p.lastTerminated {
            status["lastState"] = [
                "terminated": ["reason": t.reason, "exitCode": t.exitCode, "finishedAt": t.finishedAt]
            ]
        }
        var metadata: [String: Any] = [
            "name": p.name, "namespace": p.namespace, "uid": p.uid, "resourceVersion": "\(version)",
            "labels": p.labels, "annotations": p.annotations,
        ]
        if p.deleting { metadata["deletionTimestamp"] = "2026-12-02T00:00:00Z" }
        return [
            "kind": "Pod", "apiVersion": "v1", "metadata": metadata,
            "spec": ["nodeName": p.node, "containers": [container]],
            "status": [
                "phase": p.phase,
                "conditions": [["type": "Ready", "status": p.ready ? "True" : "False"]],
                "containerStatuses": [status],
            ],
        ]
    }

    static func eventLine(_ type: String, _ object: [String: Any]) -> ByteBuffer {
        var data = (try? JSONSerialization.data(withJSONObject: ["type": type, "object": object])) ?? Data()
        data.append(0x0a)
        return ByteBuffer(bytes: data)
    }

    /// The list API's selection: namespace, label selector, `metadata.name=` field selector.
    static func filter(namespace: String?, labels: String?, field: String?) -> @Sendable (FakePod) -> Bool {
        let requirements = (labels ?? "").splitOutsideParentheses().map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let name = field.flatMap { $0.hasPrefix("metadata.name=") ? String($0.dropFirst(14)) : nil }
        return { pod in
            if let namespace, pod.namespace != namespace { return false }
            if let name, pod.name != name { return false }
            for r in requirements {
                if let range = r.range(of: " notin ") {
                    let key = String(r[..<range.lowerBound])
                    let values = Self.values(r[range.upperBound...])
                    if let v = pod.labels[key], values.contains(v) { return false }
                } else if let range = r.range(of: " in ") {
                    let key = String(r[..<range.lowerBound])
                    guard let v = pod.labels[key], Self.values(r[range.upperBound...]).contains(v) else { return false }
                } else if let range = r.range(of: "!=") {
                    if pod.labels[String(r[..<range.lowerBound])] == String(r[range.upperBound...]) { return false }
                } else if let range = r.range(of: "=") {
                    let value = String(r[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "="))
                    if pod.labels[String(r[..<range.lowerBound])] != value { return false }
                } else if r.hasPrefix("!") {
                    if pod.labels[String(r.dropFirst())] != nil { return false }
                } else if pod.labels[r] == nil {
                    return false
                }
            }
            return true
        }
    }

    static func values(_ text: Substring) -> Set<String> {
        Set(
            text.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            })
    }

    private func json(_ object: [String: Any], code: Int = 200) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: code), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func status(_ code: Int, _ reason: String, _ message: String) -> Response {
        json(
            [
                "kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason,
                "code": code,
            ],
            code: code)
    }
}

struct KubeTestError: Error, CustomStringConvertible {
    var description: String
}

extension String {
    /// "a=b,c in (d,e)" → ["a=b", "c in (d,e)"].
    func splitOutsideParentheses() -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in self {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }
}
