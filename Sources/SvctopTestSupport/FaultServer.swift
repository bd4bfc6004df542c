import Foundation

/// A misbehaving HTTP server for fault tests, on raw sockets so it can do what no HTTP library would:
/// never answer, answer one byte per second, reset mid-body, send huge or binary bodies.
///
/// Paths (any prefix of the path selects the behaviour, so `/hang/metrics` hangs too): `/gzip`, `/badgzip` (a
/// checksum that does not match), `/brotli` (an encoding no client asked for), `/hang`, `/slow`,
/// `/reset`, `/big` (100 MB), `/garbage`, `/badutf8`, `/malformed`, `/ok`, `/500`, `/trickledump` (a 50,000-goroutine
/// dump sent 64 KiB every 100 ms, about ten seconds in all), and two that keep the connection
/// open: `/keepalive` (answers any number of requests on one connection) and `/idleclose` (the same, but closes a
/// connection idle for 100 ms, as servers with a short idle timeout do). `/idlereset` answers a connection's first
/// request and resets the connection when the next one arrives, before any answer (a server closing an idle
/// connection as a request comes in: the client reads ECONNRESET). `/counting` serves an exposition whose
/// values differ at every request, each one logged with its client, so a test can tell exactly which scrape a
/// figure came from.
public final class FaultServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private var stopped = false
    private var accepted = 0
    private let lock = NSLock()
    private var servedLog: [Served] = []
    private var readiness = (ready: true, draining: false)

    /// One `/counting` answer: when, to whom (the User-Agent), and the values it carried.
    public struct Served: Sendable, Equatable {
        public var time: Double
        public var userAgent: String
        public var goroutines: Double
        public var threads: Double
        public var memory: Double
        public var heap: Double
        public var limit: Double
    }

    /// `/gzip`'s exposition, gzip-encoded: `# TYPE go_goroutines gauge`, `go_goroutines 4242`, `go_threads 7`.
    static let gzipExposition: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x53, 0x56, 0x08, 0x89, 0x0c, 0x70, 0x55, 0x48,
        0xcf, 0x8f, 0x4f, 0xcf, 0x2f, 0xca, 0x2f, 0x2d, 0xc9, 0xcc, 0x4b, 0x2d, 0x56, 0x48, 0x4f, 0x2c, 0x4d, 0x4f,
        0xe5, 0x42, 0x15, 0x33, 0x31, 0x32, 0x31, 0x02, 0x09, 0x95, 0x64, 0x14, 0xa5, 0x26, 0xa6, 0x14, 0x2b, 0x98,
        0x73, 0x01, 0x00, 0x31, 0x05, 0x42, 0xdd, 0x3b, 0x00, 0x00, 0x00,
    ]

    /// Every `/counting` answer so far, oldest first.
    public var served: [Served] {
        lock.lock()
        defer { lock.unlock() }
        return servedLog
    }

    /// What `/counting` says of readiness and draining from now on (gauges `http_server_ready`, `http_server_draining`).
    public func setReadiness(ready: Bool, draining: Bool) {
        lock.lock()
        readiness = (ready, draining)
        lock.unlock()
    }

    private func counting(userAgent: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        let n = Double(servedLog.count)
        let entry = Served(
            time: Date().timeIntervalSince1970, userAgent: userAgent, goroutines: 1000 + n, threads: 10 + n,
            memory: 100_000_000 + 4096 * n, heap: 50_000_000 + 512 * n, limit: 2_000_000_000)
        servedLog.append(entry)
        return """
            # TYPE go_goroutines gauge
            go_goroutines \(Int(entry.goroutines))
            go_threads \(Int(entry.threads))
            process_resident_memory_bytes \(Int(entry.memory))
            go_memstats_heap_inuse_bytes \(Int(entry.heap))
            process_memory_limit_bytes \(Int(entry.limit))
            http_server_ready \(readiness.ready ? 1 : 0)
            http_server_draining \(readiness.draining ? 1 : 0)

            """
    }

    /// How many connections the server has accepted.
    public var connectionsAccepted: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard ok == 0, listen(listener, 128) == 0 else { throw CocoaError(.fileReadUnknown) }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: bound.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            lock.lock()
            accepted += 1
            lock.unlock()
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    private func send(_ fd: Int32, _ text: String) { send(fd, Array(text.utf8)) }

    @discardableResult
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Answers every request on the connection with `body` (one request per read is enough for the engine's
    /// small GET requests) until the client closes it, or until it has been idle 100 ms when `closeWhenIdle`.
    private func serveKeepAlive(_ fd: Int32, closeWhenIdle: Bool, body: String) {
        var buffer = [UInt8](repeating: 0, count: 8192)
        repeat {
            guard send(fd, Array(Self.keepAliveAnswer(body).utf8)) else { return }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !isStopped {
                let ready = poll(&poller, 1, closeWhenIdle ? 100 : 50)
                if ready > 0 { break }
                if closeWhenIdle { return }
            }
            if isStopped { return }
        } while recv(fd, &buffer, buffer.count, 0) > 0
    }

    /// A 200 answer carrying `body` that leaves the connection open.
    private static func keepAliveAnswer(_ body: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            + body
    }

    private func handle(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return }
        let request = String(decoding: buffer[0..<n], as: UTF8.self)
        let path = request.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let good = "# TYPE go_goroutines gauge\ngo_goroutines 42\n"
        if path.hasPrefix("/keepalive") || path.hasPrefix("/idleclose") {
            serveKeepAlive(fd, closeWhenIdle: path.hasPrefix("/idleclose"), body: good)
            return
        }
        if path.hasPrefix("/idlereset") {
            send(fd, Self.keepAliveAnswer(good))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !isStopped && poll(&poller, 1, 50) == 0 {}
            guard !isStopped, recv(fd, &buffer, buffer.count, 0) > 0 else { return }
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            return
        }
        func head(_ status: String, length: Int?, type: String = "text/plain; version=0.0.4") -> String {
            "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\n" + (length.map { "Content-Length: \($0)\r\n" } ?? "")
                + "Connection: close\r\n\r\n"
        }
        switch path {
        case let p where p.hasPrefix("/counting"):
            let agent =
                request.split(separator: "\r\n").first { $0.lowercased().hasPrefix("user-agent:") }
                .map { $0.dropFirst("user-agent:".count).trimmingCharacters(in: .whitespaces) } ?? ""
            let body = counting(userAgent: agent)
            send(fd, head("200 OK", length: body.utf8.count))
            send(fd, body)
        case let p where p.hasPrefix("/hang"):
            while !isStopped { usleep(50_000) }
        case let p where p.hasPrefix("/trickledump"):
            let body = Array(FaultServer.largeDump(goroutines: 50_000).utf8)
            send(fd, head("200 OK", length: body.count, type: "text/plain; charset=utf-8"))
            var offset = 0
            while offset < body.count && !isStopped {
                let end = min(body.count, offset + (64 << 10))
                guard send(fd, Array(body[offset..<end])) else { return }
                offset = end
                usleep(100_000)
            }
        case let p where p.hasPrefix("/slow"):
            send(fd, head("200 OK", length: good.utf8.count))
            for byte in good.utf8 {
                guard !isStopped, send(fd, [byte]) else { return }
                sleep(1)
            }
        case let p where p.hasPrefix("/reset"):
            send(fd, head("200 OK", length: 10_000))
            send(fd, Array(good.utf8))
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        case let p where p.hasPrefix("/big"):
            let total = 100 << 20
            send(fd, head("200 OK", length: total))
            let chunk = Array(repeating: UInt8(ascii: "#"), count: 1 << 16)
            var sent = 0
            while sent < total && !isStopped {
                guard send(fd, chunk) else { return }
                sent += chunk.count
            }
        case let p where p.hasPrefix("/garbage"):
            var random = SystemRandomNumberGenerator()
            let body = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
            send(fd, head("200 OK", length: body.count, type: "application/octet-stream"))
            send(fd, body)
        case let p where p.hasPrefix("/badutf8"):
            let body: [UInt8] =
                Array("go_goroutines{x=\"".utf8) + [0xff, 0xfe, 0xc3] + Array("\"} 7\ngo_threads 3\n".utf8)
                + Array("http_request_duration_seconds_bucket{handler=\"/a".utf8) + [0xff]
                + Array("\",le=\"+Inf\"} 5\nhttp_request_duration_seconds_count{handler=\"/a".utf8) + [0xff]
                + Array("\"} 5\n".utf8)
            send(fd, head("200 OK", length: body.count))
            send(fd, body)
        case let p where p.hasPrefix("/malformed"):
            let body =
                "go_goroutines 11\nthis is not a metric line\ngo_threads{a=b} 1\nprocess_resident_memory_bytes 1e6\n"
            send(fd, head("200 OK", length: body.utf8.count))
            send(fd, body)
        case let p where p.hasPrefix("/flap"):
            // Up for two seconds, down (503) for two seconds.
            let up = Int(Date().timeIntervalSince1970) / 2 % 2 == 0
            let body = up ? good : "unavailable\n"
            send(fd, head(up ? "200 OK" : "503 Service Unavailable", length: body.utf8.count))
            send(fd, body)
        case let p where p.hasPrefix("/restart"):
            // A process that restarts every 3 seconds: counters reset, start time moves.
            let now = Date().timeIntervalSince1970
            let start = (now / 3).rounded(.down) * 3
            let body =
                "go_goroutines 12\nprocess_start_time_seconds \(start)\nworkerpool_rejected_total \(Int((now - start) * 100))\n"
            send(fd, head("200 OK", length: body.utf8.count))
            send(fd, body)
        case let p where p.hasPrefix("/gzip"):
            // A gzip-encoded exposition (go_goroutines 4242, go_threads 7), as promhttp sends when asked; a client
            // that does not accept gzip is refused, so a test sees what the scrape asked for.
            let accepts = request.split(separator: "\r\n").contains {
                $0.lowercased().hasPrefix("accept-encoding:") && $0.lowercased().contains("gzip")
            }
            guard accepts else {
                let body = "this test server only answers clients that accept gzip\n"
                send(fd, head("406 Not Acceptable", length: body.utf8.count))
                send(fd, body)
                return
            }
            let body = FaultServer.gzipExposition
            send(
                fd,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            )
            send(fd, body)
        case let p where p.hasPrefix("/badgzip") || p.hasPrefix("/brotli"):
            // `/gzip`'s body with a bit of its checksum flipped, or a body in an encoding nobody asked for.
            let gzip = p.hasPrefix("/badgzip")
            var body: [UInt8] =
                gzip
                ? FaultServer.gzipExposition
                : [
                    0x8b, 0x05, 0x80, 0x67, 0x6f, 0x5f, 0x67, 0x6f, 0x72, 0x6f, 0x75, 0x74, 0x69, 0x6e, 0x65, 0x73,
                    0x03,
                ]
            if gzip { body[body.count - 8] ^= 1 }
            send(
                fd,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Encoding: \(gzip ? "gzip" : "br")\r\nContent-Length: \(body.count)\r\n\r\n"
            )
            send(fd, body)
        case let p where p.hasPrefix("/pprof400") || p.hasPrefix("/pprof500") || p.hasPrefix("/pprof404"):
            // net/http/pprof's own errors: a profile longer than the write timeout, a CPU profile already running,
            // and a mux without pprof.
            let (status, body) =
                p.hasPrefix("/pprof400")
                ? ("400 Bad Request", "profile duration exceeds server's WriteTimeout\n")
                : p.hasPrefix("/pprof500")
                    ? ("500 Internal Server Error", "Could not enable CPU profiling: cpu profiling already in use\n")
                    : ("404 Not Found", "404 page not found\n")
            send(fd, head(status, length: body.utf8.count, type: "text/plain; charset=utf-8"))
            send(fd, body)
        case let p where p.hasPrefix("/promhtml"):
            // A login page in front of the query API.
            let body = "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n"
            send(fd, head("200 OK", length: body.utf8.count, type: "text/html; charset=utf-8"))
            send(fd, body)
        case let p where p.hasPrefix("/promerror"):
            let body = #"{"status":"error","errorType":"bad_data","error":"1:15: parse error: unexpected \"}\""}"#
            send(fd, head("400 Bad Request", length: body.utf8.count, type: "application/json"))
            send(fd, body)
        case let p where p.hasPrefix("/prom503"):
            let body = "upstream connect error or disconnect/reset before headers\n"
            send(fd, head("503 Service Unavailable", length: body.utf8.count, type: "text/plain"))
            send(fd, body)
        case let p where p.hasPrefix("/promwarn"):
            // Thanos with a store down: a partial answer, NaN and Inf values.
            let body = """
                {"status":"success","warnings":["partial response: store 10.0.0.7:10901 unavailable"],"data":{"resultType":"vector","result":[\
                {"metric":{"instance":"a:1","svctop_signal":"goroutines"},"value":[1700000000.5,"42"]},\
                {"metric":{"instance":"a:1","svctop_signal":"p99"},"value":[1700000000.5,"NaN"]},\
                {"metric":{"instance":"a:1","svctop_signal":"p90"},"value":[1700000000.5,"+Inf"]},\
                {"metric":{"instance":"b:2","svctop_signal":"up"},"value":[1700000000.5,"0"]}]}}
                """
            send(fd, head("200 OK", length: body.utf8.count, type: "application/json"))
            send(fd, body)
        case let p where p.hasPrefix("/500"):
            let body = "{\"error\":\"internal failure\"}\n"
            send(fd, head("500 Internal Server Error", length: body.utf8.count, type: "application/json"))
            send(fd, body)
        default:
            send(fd, head("200 OK", length: good.utf8.count))
            send(fd, good)
        }
    }

    /// A goroutine dump in the debug=2 format with `goroutines` goroutines in two stacks.
    public static func largeDump(goroutines: Int) -> String {
        var out = ""
        out.reserveCapacity(goroutines * 160)
        for id in 1...goroutines {
            let leaking = id % 5 != 0
            out += "goroutine \(id) [\(leaking ? "chan receive" : "select"), 12 minutes]:\n"
            out +=
                leaking
                ? "example.com/shop/watch.(*Watcher).loop(0xc000123456)\n\t/src/shop/watch/watch.go:88 +0x1d\n"
                : "example.com/shop/pool.worker()\n\t/src/shop/pool/pool.go:41 +0x52\n"
            out += "created by example.com/shop/watch.Start in goroutine 1\n\t/src/shop/watch/watch.go:30 +0x25\n\n"
        }
        return out
    }
}
