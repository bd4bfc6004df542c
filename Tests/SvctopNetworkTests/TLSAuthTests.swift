import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization
import Testing
@testable import SvctopCore
import SvctopDemo
@testable import SvctopNetwork

/// A value shared with a server's handlers.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
}

/// A metrics endpoint behind TLS (optionally asking for a client certificate) that wants a bearer token, and
/// records the Authorization headers it saw.
final class SecureServer: Sendable {
    let port: Int
    /// The Authorization headers the server saw.
    let seen = Shared<[String]>([])
    private let servers: ServerLifetime

    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/tls/\(name)", withExtension: nil)).path
    }

    init(requireClientCertificate: Bool) async throws {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(Self.fixture("server.pem")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: Self.fixture("server.key"), format: .pem)))
        if requireClientCertificate {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.fixture("ca.pem")))
        }
        let router = Router()
        let seen = self.seen
        router.get("/metrics") { request, _ -> Response in
            let auth = request.headers[.authorization] ?? ""
            seen.value.withLock { $0.append(auth) }
            guard auth == "Bearer s3cret-token" else {
                return Response(
                    status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "missing or wrong token\n")))
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "go_goroutines 77\n")))
        }
        router.get("/debug/pprof/goroutine") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer s3cret-token" else {
                return Response(status: .unauthorized)
            }
            return Response(
                status: .ok, body: .init(byteBuffer: ByteBuffer(string: "goroutine profile: total 77\n77 @ 0x1\n")))
        }
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ in "ok" }
        // A Prometheus query API behind the same TLS and token.
        router.post("/prom/api/v1/query") { request, _ -> Response in
            let auth = request.headers[.authorization] ?? ""
            seen.value.withLock { $0.append(auth) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            guard auth == "Bearer s3cret-token" else {
                return Response(
                    status: .unauthorized, headers: headers,
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: #"{"status":"error","errorType":"unauthorized","error":"bad token"}"#)))
            }
            let body =
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1","svctop_signal":"goroutines"},"value":[1700000000,"77"]}]}}"#
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let port = Shared<Int?>(nil)
        var logger = Logger(label: "svctop-tls-test")
        logger.logLevel = .critical
        let app = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in port.value.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        servers = ServerLifetime([app], name: "svctop-tls-test", logger: logger)
        let started = await eventually(10) { port.current != nil }
        try #require(started, "the TLS server did not start")
        self.port = port.current ?? 0
    }

    func stop() {
        let servers = self.servers
        Task { await servers.stop() }
    }
}

@Suite("TLS and credentials, through the scrape engine and the one-off client (actions, dumps)", .serialized)
struct TLSAuthTests {
    /// The engine's first scrape of `target`.
    func firstScrape(_ target: Target, _ options: TransportOptions) async -> ScrapeOutcome? {
        await pollOnce(target, options: options).scrape
    }

    @Test(
        "https with the CA file and a bearer token scrapes; without the CA it fails as TLS; a wrong token is HTTP 401")
    func serverTLSAndToken() async throws {
        let server = try await SecureServer(requireClientCertificate: false)
        defer { server.stop() }
        let target = try Target.parse("https://127.0.0.1:\(server.port)")
        var options = TransportOptions()
        options.caFile = try SecureServer.fixture("ca.pem")
        options.bearerToken = Secret("s3cret-token")

        guard case .read(let reading, _, _, _)? = await firstScrape(target, options) else {
            Issue.record("the engine did not scrape over TLS")
            return
        }
        #expect(reading.goroutines == 77)
        // The one-off client (actions, dumps) takes the same options.
        let transport = HTTPTransport()
        let direct = await ServiceClient(transport: transport, options: options)
            .goroutineDump(target, debugLevel: 1, timeout: 2, maxBytes: 1 << 20)
        await transport.shutdown()
        guard case .success(let bytes) = direct else {
            Issue.record("the one-off client did not fetch over TLS: \(direct)")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("goroutine profile: total 77"))
        #expect(server.seen.current.allSatisfy { $0 == "Bearer s3cret-token" })

        var untrusted = options
        untrusted.caFile = nil
        guard case .failure(let failure, _)? = await firstScrape(target, untrusted) else {
            Issue.record("an untrusted certificate was accepted")
            return
        }
        #expect(failure.shortReason == "TLS", "\(failure)")

        var skip = untrusted
        skip.insecureSkipVerify = true
        guard case .read? = await firstScrape(target, skip) else {
            Issue.record("insecure_skip_verify did not skip verification")
            return
        }

        var wrongToken = options
        wrongToken.bearerToken = Secret("nope")
        guard case .failure(.httpStatus(401, let line), _)? = await firstScrape(target, wrongToken) else {
            Issue.record("a wrong token was not reported as HTTP 401")
            return
        }
        #expect(line == "missing or wrong token")
    }

    @Test("the Prometheus source over https with the CA and a bearer token; a wrong token is named, never shown")
    func prometheusSource() async throws {
        let server = try await SecureServer(requireClientCertificate: false)
        defer { server.stop() }
        var options = TransportOptions()
        options.caFile = try SecureServer.fixture("ca.pem")
        options.bearerToken = Secret("s3cret-token")
        let source = try PrometheusSource(url: "https://127.0.0.1:\(server.port)/prom", transport: options)
        let transport = HTTPTransport()
        defer { Task { await transport.shutdown() } }
        // The source's own options win over the defaults (which here have no CA and no token).
        let client = PrometheusClient(transport: transport, source: source, options: TransportOptions(), timeout: 5)
        let answer = try await client.query("up", at: 1_700_000_000).get()
        #expect(PromQueries(source: source, profile: .go).samples([answer])["a:1"]?.reading.goroutines == 77)
        #expect(server.seen.current == ["Bearer s3cret-token"])

        var wrong = options
        wrong.bearerToken = Secret("n0pe-token")
        let refused = PrometheusClient(
            transport: transport, source: try PrometheusSource(url: source.url, transport: wrong),
            options: TransportOptions(), timeout: 5)
        let result = await refused.query("up", at: 1_700_000_000, name: "the fleet query")
        guard case .failure(let error) = result else {
            Issue.record("a wrong token was accepted")
            return
        }
        #expect(error.description == "the fleet query: unauthorized: bad token")
        #expect(!error.description.contains("n0pe") && !error.description.contains("s3cret"))
    }

    @Test("a target's own credentials and CA (from its config entry) win over the client's defaults")
    func perTargetOptions() async throws {
        let server = try await SecureServer(requireClientCertificate: false)
        defer { server.stop() }
        var own = TransportOptions()
        own.caFile = try SecureServer.fixture("ca.pem")
        own.bearerToken = Secret("s3cret-token")
        var target = try Target.parse("https://127.0.0.1:\(server.port)")
        target.transport = own
        var defaults = TransportOptions()
        defaults.bearerToken = Secret("the-fleet-wide-token")
        guard case .read(let reading, _, _, _)? = await firstScrape(target, defaults) else {
            Issue.record("the target's own options were not used")
            return
        }
        #expect(reading.goroutines == 77)
        #expect(server.seen.current.allSatisfy { $0 == "Bearer s3cret-token" })
    }

    @Test("a server that asks for a client certificate gets the configured one")
    func clientCertificate() async throws {
        let server = try await SecureServer(requireClientCertificate: true)
        defer { server.stop() }
        let target = try Target.parse("https://127.0.0.1:\(server.port)")
        var options = TransportOptions()
        options.caFile = try SecureServer.fixture("ca.pem")
        options.bearerToken = Secret("s3cret-token")
        guard case .failure(let failure, _)? = await firstScrape(target, options) else {
            Issue.record("a server that requires a client certificate answered without one")
            return
        }
        #expect(["TLS", "reset", "error"].contains(failure.shortReason), "\(failure)")
        options.certFile = try SecureServer.fixture("client.pem")
        options.keyFile = try SecureServer.fixture("client.key")
        guard case .read(let reading, _, _, _)? = await firstScrape(target, options) else {
            Issue.record("the client certificate was not presented")
            return
        }
        #expect(reading.goroutines == 77)
    }
}
