import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import SvctopCore

/// HTTP for svctop's one-off requests (actions, dumps): one shared AsyncHTTPClient with keep-alive pooling, gzip,
/// redirects, a body size cap, and a deadline per request that covers the whole exchange, a body that trickles in
/// included. Its event loops also carry the scrape engine's own poll connections (`PollConnection`).
///
/// Connections per host are generous: several targets may sit behind one host:port with base paths, and one
/// hanging target must not starve the others.
///
/// Thread-safe; share one instance. Call `shutdown()` before exit.
public final class HTTPTransport: Sendable {
    let client: HTTPClient
    public let maxBodyBytes: Int
    /// The priority of the threads that carry the requests, when it was lowered (`ThreadNice`).
    public let threadNice: ThreadNice?

    /// - Parameter threadNice: the nice value the event loops are set to (the interactive dashboard's: they give
    ///   way to its UI loop), or nil to leave them as they are. The loops are the process's shared ones.
    public init(maxBodyBytes: Int = 16 << 20, connectionsPerHost: Int = 32, threadNice: ThreadNice? = nil) {
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .enabled(limit: .size(maxBodyBytes))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
        self.threadNice = threadNice
        if let threadNice {
            for loop in eventLoops { loop.execute { threadNice.apply() } }
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The event loops requests run on.
    public var eventLoops: [any EventLoop] { Array(client.eventLoopGroup.makeIterator()) }

    /// The headers of every request: user agent, gzip, the configured headers and credentials, then `extra`.
    static func headers(options: TransportOptions, extra: [(String, String)]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "svctop/\(SvctopVersion.current)")
        headers.add(name: "Accept-Encoding", value: "gzip")
        for h in options.headers { headers.add(name: h.name, value: h.value) }
        if let token = options.bearerToken {
            headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token.value)")
        } else if let basic = options.basicAuth {
            let credentials = Data("\(basic.user):\(basic.password.value)".utf8).base64EncodedString()
            headers.replaceOrAdd(name: "Authorization", value: "Basic \(credentials)")
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        return headers
    }

    /// Performs a one-off request (an action, a dump) and collects the body, within `timeout` seconds for the
    /// whole exchange and `maxBytes` of body. Cancelling the calling task cancels the request.
    ///
    /// - Returns: the answer for any HTTP status, or the reason there was none.
    public func send(
        _ method: String, _ url: String, headers extra: [(String, String)] = [], body: [UInt8]? = nil,
        options: TransportOptions, timeout: Double, maxBytes: Int? = nil
    ) async -> Result<HTTPAnswer, ScrapeFailure> {
        var tls: TLSConfiguration?
        if options.usesCustomTLS {
            do {
                tls = try HTTPTransport.tlsConfiguration(options)
            } catch {
                return .failure(.tls("cannot load TLS files: \(error)"))
            }
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: method.uppercased()),
                headers: HTTPTransport.headers(options: options, extra: extra), body: body.map { .bytes($0) },
                tlsConfiguration: tls)
        } catch {
            return .failure(.other("invalid URL \(url)"))
        }
        let limit = min(maxBytes ?? maxBodyBytes, maxBodyBytes)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0.001, timeout) * 1e9))
        let task = client.execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: limit),
            deadline: deadline)
        return await withTaskCancellationHandler {
            do {
                let response = try await task.futureResult.get()
                return .success(
                    HTTPAnswer(
                        status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                        body: response.body ?? ByteBuffer()))
            } catch {
                return .failure(HTTPTransport.classify(error, limit: limit))
            }
        } onCancel: {
            task.cancel()
        }
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
        if error is NIOTooManyBytesError || error is ResponseAccumulator.ResponseTooBigError { return .sizeCap(limit) }
        if let e = error as? NIOConnectionError {
            // Every address tried failed: the first reason is the one to show.
            if let first = e.connectionErrors.first { return classify(first.error, limit: limit) }
            if let dns = e.dnsAError ?? e.dnsAAAAError { return .dns("cannot resolve \(e.host): \(dns)") }
            return .dns("cannot resolve \(e.host)")
        }
        if let e = error as? ChannelError {
            switch e {
            case .connectTimeout: return .timeout
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return .reset
            default: break
            }
        }
        if error is HTTPParserError { return .other("invalid HTTP response") }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout, .writeTimeout,
                .cancelled:
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
            case EMFILE, ENFILE: return .other("too many open files (raise ulimit -n)")
            default: return .other(io.description)
            }
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return .refused
        }
        if text.contains("Connection reset") || text.contains("ECONNRESET") { return .reset }
        if text.contains("dnsA") || text.contains("NIOConnectionError") && text.contains("dns")
            || text.contains("unknownHost")
        {
            return .dns(text.count > 80 ? String(text.prefix(80)) : text)
        }
        if text.contains("NIOConnectionError") { return .refused }
        if text.contains("invalidEOFState") || text.contains("HTTPParserError") {
            return .other("invalid HTTP response")
        }
        return .other(text.count > 100 ? String(text.prefix(100)) : text)
    }
}
