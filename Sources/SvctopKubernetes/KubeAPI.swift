import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few calls svctop makes to the API server, through the local `kubectl proxy` (which carries the user's
/// credentials): list and watch pods, read a workload's selector. Plain HTTP on loopback.
public struct KubeAPI: Sendable {
    /// The proxy's base URL, `http://127.0.0.1:PORT`.
    public let base: String
    let http: HTTPClient

    public init(base: String, http: HTTPClient = .shared) {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        self.base = b
        self.http = http
    }

    /// An answer that is not a success, in one line: the status and the API server's own message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var status: Int?
        public var message: String
        public var description: String { message }
        /// A watch whose resourceVersion is too old: list again.
        var isGone: Bool { status == 410 }
    }

    static let escaped: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func query(_ items: [(String, String?)]) -> String {
        let parts = items.compactMap { key, value in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: escaped) ?? $0)" }
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// GET `path` (with its query), the whole body (capped), or the API's error.
    func get(
        _ path: String, what: String, timeout: Double = 15, maxBytes: Int = 64 << 20
    ) async throws(Failure)
        -> [UInt8]
    {
        do {
            let request = HTTPClientRequest(url: base + path)
            let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let body = try await response.body.collect(upTo: maxBytes)
            let bytes = Array(body.readableBytesView)
            guard response.status == .ok else { throw Self.failure(status: response.status, body: bytes, what: what) }
            return bytes
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(status: nil, message: "\(what): \(Self.describe(error))")
        }
    }

    static func failure(status: HTTPResponseStatus, body: [UInt8], what: String) -> Failure {
        let apiMessage = (try? JSONDecoder().decode(APIStatus.self, from: Data(body)))?.message
        let text =
            apiMessage
            ?? String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var message = "\(what): \(status.code) \(status.reasonPhrase)" + (text.isEmpty ? "" : ": \(text)")
        if status.code == 403 { message += " (your Kubernetes user is not allowed this)" }
        return Failure(status: Int(status.code), message: message)
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? HTTPClientError, e == .deadlineExceeded || e == .readTimeout {
            return "no answer from kubectl proxy in time"
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return "kubectl proxy is not answering (connection refused)"
        }
        return text
    }

    /// The pods path of a namespace, or of all namespaces.
    static func podsPath(namespace: String?) -> String {
        namespace.map { "/api/v1/namespaces/\($0)/pods" } ?? "/api/v1/pods"
    }

    /// The label selector of a workload, as kubectl resolves `TYPE/NAME` to pods.
    func selector(of ref: WorkloadRef, namespace: String) async throws(Failure) -> (label: String?, field: String?) {
        switch ref {
        case .selector(let s):
            return (s, nil)
        case .pod(let name):
            return (nil, "metadata.name=\(name)")
        case .apps(let resource, let name):
            struct Object: Decodable {
                struct Spec: Decodable { var selector: LabelSelector? }
                var spec: Spec?
            }
            let bytes = try await get(
                "/apis/apps/v1/namespaces/\(namespace)/\(resource)/\(name)", what: "reading \(ref)")
            guard let object = try? JSONDecoder().decode(Object.self, from: Data(bytes)) else {
                throw Failure(status: nil, message: "reading \(ref): the answer is not a \(resource) object")
            }
            guard let text = object.spec?.selector?.text else {
                throw Failure(status: nil, message: "\(ref) has no pod selector")
            }
            return (text, nil)
        case .service(let name):
            struct Object: Decodable {
                struct Spec: Decodable { var selector: [String: String]? }
                var spec: Spec?
            }
            let bytes = try await get("/api/v1/namespaces/\(namespace)/services/\(name)", what: "reading \(ref)")
            guard let object = try? JSONDecoder().decode(Object.self, from: Data(bytes)) else {
                throw Failure(status: nil, message: "reading \(ref): the answer is not a service object")
            }
            guard let text = object.spec?.selector.flatMap(LabelSelector.text(labels:)) else {
                throw Failure(status: nil, message: "\(ref) has no selector (its endpoints are managed by hand)")
            }
            return (text, nil)
        }
    }
}
