import AsyncHTTPClient
import Foundation
import NIOCore
import SvctopCore

/// Lists the pods of one selection, then watches them (`watch=1` from the list's resourceVersion, with bookmarks),
/// re-watching when a watch ends and listing again after a 410 Gone; every change is reported as it arrives.
/// A failure is reported once per attempt (`kubernetesFailed`) and retried with capped exponential backoff (1 s
/// doubling to 30 s, reset after a success). Runs until its task is cancelled.
public struct PodWatcher: Sendable {
    public let api: KubeAPI
    public let ref: WorkloadRef
    /// nil: all namespaces.
    public let namespace: String?
    /// The namespace a workload name is looked up in (the current one with `-A`).
    public let workloadNamespace: String
    public let port: PortChoice?
    /// How long the server keeps one watch open before svctop watches again.
    public var watchSeconds = 290

    public init(api: KubeAPI, ref: WorkloadRef, namespace: String?, workloadNamespace: String, port: PortChoice?) {
        self.api = api
        self.ref = ref
        self.namespace = namespace
        self.workloadNamespace = workloadNamespace
        self.port = port
    }

    public var scope: String { ref.description }

    public func run(emit: @escaping @Sendable ([Event]) -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            do throws(KubeAPI.Failure) {
                let selector = try await resolve()
                var version = try await list(selector, emit: emit)
                failures = 0
                while !Task.isCancelled {
                    do throws(KubeAPI.Failure) {
                        version = try await watch(selector, from: version, emit: emit)
                    } catch  where error.isGone {
                        version = try await list(selector, emit: emit)
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                failures += 1
                let delay = Backoff.delay(consecutiveFailures: failures, interval: 1)
                emit([.kubernetesFailed("\(error.message) (retrying in \(Int(delay))s)")])
                try? await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// The selection as list parameters (a workload is read once per attempt: its selector may change).
    func resolve() async throws(KubeAPI.Failure) -> (label: String?, field: String?) {
        if case .selector(let s) = ref { return (s, nil) }
        return try await api.selector(of: ref, namespace: namespace ?? workloadNamespace)
    }

    func path(_ selector: (label: String?, field: String?), extra: [(String, String?)] = []) -> String {
        let ns: String?
        if case .selector = ref { ns = namespace } else { ns = namespace ?? workloadNamespace }
        return KubeAPI.podsPath(namespace: ns)
            + KubeAPI.query([("labelSelector", selector.label), ("fieldSelector", selector.field)] + extra)
    }

    /// Lists the selection: every matching pod in one change; returns the list's resourceVersion.
    func list(
        _ selector: (label: String?, field: String?), emit: @Sendable ([Event]) -> Void
    )
        async throws(KubeAPI.Failure) -> String
    {
        let bytes = try await api.get(path(selector), what: "listing pods (\(scope))")
        guard let list = try? JSONDecoder().decode(APIPodList.self, from: Data(bytes)) else {
            throw KubeAPI.Failure(status: nil, message: "listing pods (\(scope)): the answer is not a pod list")
        }
        let pods = list.items.compactMap { PodReader.pod($0, port: port) }
        emit([.podsChanged(.listed(pods, scope: scope))])
        return list.metadata?.resourceVersion ?? ""
    }

    /// One watch, until the server ends it; returns the last resourceVersion seen.
    func watch(
        _ selector: (label: String?, field: String?), from version: String, emit: @Sendable ([Event]) -> Void
    )
        async throws(KubeAPI.Failure) -> String
    {
        let what = "watching pods (\(scope))"
        var version = version
        do {
            let url =
                api.base
                + path(
                    selector,
                    extra: [
                        ("watch", "1"), ("resourceVersion", version), ("allowWatchBookmarks", "true"),
                        ("timeoutSeconds", "\(watchSeconds)"),
                    ])
            let response = try await api.http.execute(
                HTTPClientRequest(url: url), timeout: .seconds(Int64(watchSeconds + 60)))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 1 << 20)
                throw KubeAPI.failure(status: response.status, body: Array(body.readableBytesView), what: what)
            }
            var pending: [UInt8] = []
            for try await chunk in response.body {
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: 0x0a) {
                    let line = Array(pending[..<newline])
                    pending.removeSubrange(...newline)
                    if let v = try event(line, emit: emit) { version = v }
                }
                guard pending.count < 64 << 20 else {
                    throw KubeAPI.Failure(status: nil, message: "\(what): a watch event over 64 MiB")
                }
            }
            if !pending.isEmpty, let v = try event(pending, emit: emit) { version = v }
            return version
        } catch let failure as KubeAPI.Failure {
            throw failure
        } catch {
            throw KubeAPI.Failure(status: nil, message: "\(what): \(KubeAPI.describe(error))")
        }
    }

    /// A watch line, decoded once: its type, and its object as a pod or, for an ERROR, as the API's status.
    struct WatchEvent: Decodable {
        var type: String
        var pod: APIPod?
        var status: APIStatus?

        enum CodingKeys: String, CodingKey { case type, object }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            if type == "ERROR" {
                status = try? c.decode(APIStatus.self, forKey: .object)
            } else {
                pod = try? c.decode(APIPod.self, forKey: .object)
            }
        }
    }

    /// One line of a watch: a pod that was added, modified or deleted, a bookmark, or an error (410: list again).
    /// Returns the resourceVersion it carries.
    func event(_ line: [UInt8], emit: @Sendable ([Event]) -> Void) throws(KubeAPI.Failure) -> String? {
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0d }) else { return nil }
        guard let kind = try? JSONDecoder().decode(WatchEvent.self, from: Data(line)) else {
            throw KubeAPI.Failure(status: nil, message: "watching pods (\(scope)): a line that is not a watch event")
        }
        if kind.type == "ERROR" {
            let status = kind.status
            throw KubeAPI.Failure(
                status: status?.code,
                message:
                    "watching pods (\(scope)): \(status?.code.map(String.init) ?? "error") \(status?.message ?? "")")
        }
        guard let object = kind.pod else { return nil }
        let version = object.metadata?.resourceVersion
        guard kind.type != "BOOKMARK", let pod = PodReader.pod(object, port: port) else { return version }
        switch kind.type {
        case "ADDED", "MODIFIED": emit([.podsChanged(.updated(pod, scope: scope))])
        case "DELETED": emit([.podsChanged(.deleted(pod, scope: scope))])
        default: break
        }
        return version
    }
}
