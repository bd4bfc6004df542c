import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SvctopCore
import SvctopTestSupport
import Testing

@testable import SvctopNetwork

@Suite("poll requests: each head encoded once, then written as those bytes")
struct PollRequestEncoderTests {
    static func request(
        _ method: String, _ path: String, _ address: PollAddress, _ headers: [(String, String)]
    ) -> PollRequest {
        PollRequest(method: method, path: path, address: address, headers: HTTPHeaders(headers), maxBytes: 1 << 20)
    }

    @Test(
        "a head is its request line and headers, Accept-Encoding once; a POST says it has no body; a header that would split the request is refused"
    )
    func encoding() throws {
        let address = try PollAddress.make(baseURL: "http://127.0.0.1:9100", options: .init()).get()
        let get = Self.request("get", "metrics", address, [("Accept", "text/plain"), ("User-Agent", "svctop-test")])
        #expect(
            get.bytes.map { String(buffer: $0) }
                == "GET /metrics HTTP/1.1\r\nAccept: text/plain\r\nUser-Agent: svctop-test\r\n"
                + "Host: 127.0.0.1:9100\r\nAccept-Encoding: deflate, gzip\r\n\r\n")
        let identity = Self.request("GET", "/metrics", address, [("Accept-Encoding", "identity")])
        #expect(
            identity.bytes.map { String(buffer: $0) }
                == "GET /metrics HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:9100\r\n\r\n")
        let post = Self.request("POST", "/drain", address, [("Transfer-Encoding", "chunked")])
        let postText = try #require(post.bytes.map { String(buffer: $0) })
        #expect(postText.hasPrefix("POST /drain HTTP/1.1\r\n") && postText.contains("\r\nContent-Length: 0\r\n"))
        #expect(!postText.lowercased().contains("transfer-encoding"))
        #expect(Self.request("GET", "/m", address, [("X-Token", "a\r\nX-Evil: 1")]).bytes == nil)
        #expect(Self.request("GET", "/m", address, [("X-Token\n", "a")]).bytes == nil)
    }

    @Test(
        "requests reach a real server with their headers, again on a kept-alive connection; a head that cannot be written fails at once",
        .timeLimit(.minutes(1)))
    func onTheWire() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let deadlines = RequestDeadlines(loop: loop)
        let address = try PollAddress.make(baseURL: "http://127.0.0.1:\(server.port)", options: .init()).get()
        let counting = Self.request("GET", "/counting", address, [("User-Agent", "svctop-encoder-test")])
        let keepAlive = Self.request("GET", "/keepalive", address, [])
        let bad = Self.request("GET", "/counting", address, [("User-Agent", "x\r\nX-Evil: 1")])
        let results = try await loop.submit { () -> EventLoopFuture<[Result<HTTPAnswer, ScrapeFailure>]> in
            let once = PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater())
            let kept = PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater())
            let refused = PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater())
            return once.send(counting, timeout: 5).flatMap { first in
                once.send(counting, timeout: 5).map { [first, $0] }
            }.flatMap { answers in
                kept.send(keepAlive, timeout: 5).flatMap { first in
                    kept.send(keepAlive, timeout: 5).map { answers + [first, $0] }
                }
            }.flatMap { answers in
                refused.send(bad, timeout: 5).map { answers + [$0] }
            }
        }.flatMap { $0 }.get()
        try await group.shutdownGracefully()
        #expect(results.count == 5)
        for result in results.prefix(4) {
            let answer = try result.get()
            #expect(answer.status == 200 && String(buffer: answer.body).contains("go_goroutines"))
        }
        #expect(server.served.map(\.userAgent) == ["svctop-encoder-test", "svctop-encoder-test"])
        guard case .failure(.other(let reason)) = results[4] else {
            Issue.record("a head with a line break in a header was not refused: \(results[4])")
            return
        }
        #expect(reason.contains("line break"))
    }
}
