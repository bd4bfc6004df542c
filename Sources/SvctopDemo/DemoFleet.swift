import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fleet of simulated services, each a real HTTP server on 127.0.0.1 with an ephemeral port, speaking the
/// protocols of a Go service: Prometheus `/metrics`, pprof goroutine dumps and CPU and heap profiles, zap's `/log/level`, `/healthz`,
/// `/readyz`, and `POST /admin/drain` / `/admin/undrain`.
///
/// `start()` returns once every server listens; the servers and the simulation clock run until `stop()`.
public final class DemoFleet: Sendable {
    public let specs: [DemoInstanceSpec]
    public let services: [SimulatedService]
    private let ports = Mutex<[Int: Int]>([:])
    private let running = Mutex<(servers: ServerLifetime, clock: Task<Void, Never>)?>(nil)

    public init(specs: [DemoInstanceSpec], now: Double = Date().timeIntervalSince1970) {
        self.specs = specs
        services = specs.enumerated().map { i, spec in
            SimulatedService(name: spec.name, scenario: spec.scenario, seed: UInt64(i + 1) * 7919, now: now)
        }
    }

    /// `name=http://127.0.0.1:PORT` for each instance, in order (after `start()`).
    public var targets: [String] {
        let known = ports.withLock { $0 }
        return services.indices.compactMap { i in known[i].map { "\(services[i].name)=http://127.0.0.1:\($0)" } }
    }

    public var urls: [String] {
        let known = ports.withLock { $0 }
        return services.indices.compactMap { i in known[i].map { "http://127.0.0.1:\($0)" } }
    }

    /// Starts the servers and the simulation clock; returns when all are listening (or throws after 10 s).
    public func start() async throws {
        let services = self.services
        let clock = Task {
            while !Task.isCancelled {
                let now = Date().timeIntervalSince1970
                for s in services { s.advance(to: now) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        var logger = Logger(label: "svctop-demo")
        logger.logLevel = .critical
        let servers = ServerLifetime(
            services.enumerated().map { i, service in
                Application(
                    router: DemoRoutes.router(for: service),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                    onServerRunning: { channel in
                        if let port = channel.localAddress?.port { self.record(port: port, for: i) }
                    },
                    logger: logger)
            }, name: "svctop-demo", logger: logger)
        running.withLock { $0 = (servers, clock) }
        let deadline = Date().addingTimeInterval(10)
        while self.ports.withLock({ $0.count }) < services.count {
            guard Date() < deadline else { throw DemoError(description: "the demo servers did not start within 10 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func record(port: Int, for index: Int) {
        ports.withLock { $0[index] = port }
    }

    /// Stops the servers (gracefully: see `ServerLifetime`) and the clock.
    public func stop() async {
        guard
            let (servers, clock) = running.withLock({ r in
                defer { r = nil }; return r
            })
        else { return }
        clock.cancel()
        await servers.stop()
        await clock.value
    }
}

public struct DemoError: Error, CustomStringConvertible {
    public var description: String
}

/// The HTTP endpoints of one simulated service.
enum DemoRoutes {
    static func router(for service: SimulatedService) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            service.advance(to: Date().timeIntervalSince1970)
            let body = service.exposition()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/healthz") { _, _ -> Response in
            text(.ok, "ok")
        }
        router.get("/readyz") { _, _ -> Response in
            let (ready, body) = service.readiness()
            return text(ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/debug/pprof/goroutine") { request, _ -> Response in
            let debug = request.uri.queryParameters["debug"].flatMap { Int($0) } ?? 0
            guard debug == 1 || debug == 2 else {
                return text(.badRequest, "this demo serves debug=1 and debug=2 text dumps only")
            }
            return text(.ok, service.goroutineDump(debugLevel: debug))
        }
        router.get("/debug/pprof/profile") { request, _ -> Response in
            // net/http/pprof's answers: seconds past the write timeout (this demo's is 60 s) is a 400, a second
            // CPU profile while one runs a 500.
            let seconds = request.uri.queryParameters["seconds"].flatMap { Int($0) } ?? 30
            guard seconds > 0, seconds < 60 else {
                return text(.badRequest, "profile duration exceeds server's WriteTimeout")
            }
            let started = service.isProfilingCPU.withLock { busy in
                if busy { return false }
                busy = true
                return true
            }
            guard started else {
                return text(.internalServerError, "Could not enable CPU profiling: cpu profiling already in use")
            }
            defer { service.isProfilingCPU.withLock { $0 = false } }
            try await Task.sleep(for: .seconds(seconds))
            service.advance(to: Date().timeIntervalSince1970)
            return profile(service.cpuProfile(seconds: seconds))
        }
        router.get("/debug/pprof/heap") { _, _ -> Response in
            service.advance(to: Date().timeIntervalSince1970)
            return profile(service.heapProfile())
        }
        router.get("/log/level") { _, _ -> Response in
            json(.ok, "{\"level\":\"\(service.logLevel)\"}")
        }
        router.put("/log/level") { request, _ -> Response in
            // zap's AtomicLevel handler: JSON body with exactly this content type.
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                return json(.badRequest, "{\"error\":\"Content-Type must be application/json\"}")
            }
            let body = try await request.body.collect(upTo: 64 * 1024)
            let text = String(buffer: body)
            guard let level = jsonField("level", in: text) else {
                return json(
                    .badRequest, "{\"error\":\"Request body must be well-formed JSON: {\\\"level\\\":\\\"info\\\"}\"}")
            }
            guard service.setLogLevel(level) else {
                return json(.badRequest, "{\"error\":\"unrecognized level: \\\"\(level)\\\"\"}")
            }
            return json(.ok, "{\"level\":\"\(level)\"}")
        }
        router.post("/admin/drain") { _, _ -> Response in
            service.drain()
            return json(.accepted, "{\"status\":\"draining\",\"inflight\":\(Int(service.inflight))}")
        }
        router.post("/admin/undrain") { _, _ -> Response in
            service.undrain()
            return json(.ok, "{\"status\":\"serving\"}")
        }
        return router
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body.hasSuffix("\n") ? body : body + "\n")))
    }

    static func profile(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"profile\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }

    static func jsonField(_ name: String, in text: String) -> String? {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let value = object[name] as? String
        else { return nil }
        return value
    }
}
