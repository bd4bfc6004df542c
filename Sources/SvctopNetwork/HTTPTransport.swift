import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOSSL
import SvctopCore

/// A finished HTTP exchange.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]

    /// The first line of the body, trimmed to `limit` characters (for status displays).
    public func firstLine(limit: Int = 120) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// HTTP for svctop: one shared AsyncHTTPClient with keep-alive pooling, gzip, a body size cap, and an overall
/// (connections per host are generous: several targets may sit behind one host:port with base paths, and one
/// hanging target must not starve the others; the scrape engine bounds concurrency globally)
/// deadline per request that also covers a body that trickles in.
///
/// Thread-safe; share one instance. Call `shutdown()` before exit.
public final class HTTPTransport: Sendable {
    let client: HTTPClient
    public let maxBodyBytes: Int

    public init(maxBodyBytes: Int = 16 << 20, connectionsPerHost: Int = 32) {
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .enabled(limit: .size(maxBodyBytes))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Performs a request and collects the body, within `timeout` seconds overall and `maxBytes` of body.
    ///
    /// - Returns: the answer for any HTTP status, or the reason there was none.
    public func send(
        _ method: String, _ url: String, headers extra: [(String, String)] = [], body: [UInt8]? = nil,
        options: TransportOptions, timeout: Double, maxBytes: Int? = nil
    ) async -> Result<HTTPAnswer, ScrapeFailure> {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.uppercased())
        request.headers.add(name: "User-Agent", value: "svctop/\(SvctopVersion.current)")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        for h in options.headers { request.headers.add(name: h.name, value: h.value) }
        if let token = options.bearerToken {
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token.value)")
        } else if let basic = options.basicAuth {
            let credentials = Data("\(basic.user):\(basic.password.value)".utf8).base64EncodedString()
            request.headers.replaceOrAdd(name: "Authorization", value: "Basic \(credentials)")
        }
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        if options.usesCustomTLS {
            do {
                request.tlsConfiguration = try HTTPTransport.tlsConfiguration(options)
            } catch {
                return .failure(.tls("cannot load TLS files: \(error)"))
            }
        }
        let limit = maxBytes ?? maxBodyBytes
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0.001, timeout) * 1e9))
        let client = self.client
        let finalRequest = request
        // AsyncHTTPClient's deadline stops at the response head; this one also covers a body that trickles in.
        // An event-loop timer cancels the request's task: no extra sleeping task, no dispatch timer.
        let work = Task { () -> Result<HTTPAnswer, ScrapeFailure> in
            do {
                let response = try await client.execute(finalRequest, deadline: deadline)
                let buffer = try await response.body.collect(upTo: limit)
                return .success(
                    HTTPAnswer(
                        status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                        body: Array(buffer.readableBytesView)))
            } catch {
                // The body timer cancels this task; a cancellation is the overall deadline. Other errors keep
                // their own reason (the client retries a refused connection until the deadline, then says why).
                if Task.isCancelled || error is CancellationError { return .failure(.timeout) }
                if let e = error as? HTTPClientError, e == .cancelled { return .failure(.timeout) }
                return .failure(HTTPTransport.classify(error, limit: limit))
            }
        }
        // 50 ms after the client's own deadline, so that when it fires first (a head that never came, a refused
        // connection retried until the deadline) its reason is the one reported.
        let timer = client.eventLoopGroup.any().scheduleTask(deadline: deadline + .milliseconds(50)) { work.cancel() }
        let result = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        timer.cancel()
        return result
    }

    static func tlsConfiguration(_ options: TransportOptions) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = options.caFile {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        if let cert = options.certFile, let key = options.keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        if options.insecureSkipVerify { tls.certificateVerification = .none }
        return tls
    }

    /// Maps client and socket errors to the reasons the UI shows.
    static func classify(_ error: any Error, limit: Int) -> ScrapeFailure {
        if error is NIOTooManyBytesError { return .sizeCap(limit) }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout, .writeTimeout:
                return .timeout
            case .remoteConnectionClosed:
                return .reset
            case .tlsHandshakeTimeout:
                return .tls("handshake timed out")
            default:
                break
            }
        }
        if let e = error as? NIOHTTPDecompression.DecompressionError {
            if case .limit = e { return .sizeCap(limit) }
            return .other("bad gzip body")
        }
        if error is NIOSSLError || error is BoringSSLError { return .tls("\(error)") }
        let text = String(describing: error)
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .refused
            case ECONNRESET, EPIPE: return .reset
            case ETIMEDOUT: return .timeout
            default: return .other(io.description)
            }
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return .refused
        }
        if text.contains("Connection reset") || text.contains("ECONNRESET") { return .reset }
        if text.contains("dnsA") || text.contains("NIOConnectionError") && text.contains("dns") || text.contains("unknownHost") {
            return .dns(text.count > 80 ? String(text.prefix(80)) : text)
        }
        if text.contains("NIOConnectionError") { return .refused }
        if text.contains("invalidEOFState") || text.contains("HTTPParserError") { return .other("invalid HTTP response") }
        return .other(text.count > 100 ? String(text.prefix(100)) : text)
    }
}
