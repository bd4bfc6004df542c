import Foundation
import Hummingbird
import Logging
import Synchronization
import SvctopDemo
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The demo's and the test servers' way of stopping: no trap with connections accepted but not yet served, and no
/// wait beyond the grace period for a handler that never ends.
@Suite("servers stop gracefully", .serialized)
struct ServerLifetimeTests {
    /// A server with `/slow` (answers after 300 ms) and `/hang` (never answers until cancelled); `entered` counts
    /// the requests to either that have begun.
    static func start(entered: Shared<Int>) async throws -> (ServerLifetime, Int) {
        let router = Router()
        router.get("/slow") { _, _ -> String in
            entered.value.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(300))
            return "slow"
        }
        router.get("/hang") { _, _ -> String in
            entered.value.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(3600))
            return "late"
        }
        let port = Shared<Int?>(nil)
        var logger = Logger(label: "server-lifetime-test")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in port.value.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let servers = ServerLifetime([app], name: "test", logger: logger)
        let started = await eventually(10) { port.current != nil }
        try #require(started, "the server did not start")
        return (servers, port.current ?? 0)
    }

    /// A blocking TCP connection to 127.0.0.1:`port`, with a receive timeout so no read can hang the test.
    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Reads until the peer closes; true when it did (end of stream or a reset) before the receive timeout.
    static func closedByPeer(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { continue }
            return n == 0 || errno == ECONNRESET
        }
    }

    @Test(
        "connections accepted but not yet served when the stop comes are closed, not dropped (no NIO trap); a request in progress is answered"
    )
    func acceptedButUnserved() async throws {
        let entered = Shared(0)
        let (servers, port) = try await Self.start(entered: entered)
        let kept = try Self.connect(port)
        let request = Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(write(kept, request, request.count) == request.count)
        #expect(await eventually(10) { entered.current == 1 }, "the handler never started")
        // Many connections at once, then the stop at once: some are still in the listener's queue or the server's
        // buffer of accepted channels. Cancelling the server's task at this point traps in NIO.
        var sockets: [Int32] = []
        for _ in 0..<256 { sockets.append(try Self.connect(port)) }
        await servers.stop()
        let closed = sockets.filter { Self.closedByPeer($0) }.count
        #expect(closed == sockets.count, "\(sockets.count - closed) connections left open")
        var answer = [UInt8](repeating: 0, count: 4096)
        let n = read(kept, &answer, answer.count)
        #expect(n > 0 && String(decoding: answer[0..<max(n, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        for fd in sockets + [kept] { close(fd) }
        #expect(throws: (any Error).self, "the listener is closed") { try Self.connect(port) }
    }

    @Test("a handler that never answers holds the stop only for the grace period, then is cancelled and closed")
    func hangingHandler() async throws {
        let entered = Shared(0)
        let (servers, port) = try await Self.start(entered: entered)
        let fd = try Self.connect(port)
        defer { close(fd) }
        let request = Array("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(write(fd, request, request.count) == request.count)
        #expect(await eventually(10) { entered.current == 1 }, "the handler never started")
        let stopped = Shared(false)
        let stopping = Task {
            await servers.stop(grace: .milliseconds(200))
            stopped.value.withLock { $0 = true }
        }
        #expect(await eventually(10) { stopped.current }, "stop() did not return after its grace period")
        await stopping.value
        #expect(Self.closedByPeer(fd), "the hanging request's connection was not closed")
    }
}
