import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SvctopCore
import SvctopTestSupport
import Testing

@testable import SvctopNetwork

@Suite("request deadlines: one timer per event loop")
struct RequestDeadlinesTests {
    @Test(
        "requests on one loop each time out at their own deadline, answered ones are not touched, chains go on",
        .timeLimit(.minutes(1)))
    func deadlines() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let deadlines = RequestDeadlines(loop: loop)
        let address = try PollAddress.make(baseURL: "http://127.0.0.1:\(server.port)", options: .init()).get()
        @Sendable func request(_ path: String) -> PollRequest {
            PollRequest(method: "GET", path: path, address: address, headers: HTTPHeaders(), maxBytes: 1 << 20)
        }
        // Four connections: two hang with different timeouts, one is answered, one hangs and then, on the same
        // connection, sends again from the timeout's callback (as the probe chain does).
        let results = try await loop.submit { () -> EventLoopFuture<[(String, ScrapeFailure?, Double)]> in
            let started = NIODeadline.now()
            func seconds() -> Double { Double((NIODeadline.now() - started).nanoseconds) / 1e9 }
            func run(
                _ name: String, _ path: String, _ timeout: Double, on connection: PollConnection
            )
                -> EventLoopFuture<(String, ScrapeFailure?, Double)>
            {
                connection.send(request(path), timeout: timeout).map { result in
                    if case .failure(let failure) = result { return (name, failure, seconds()) }
                    return (name, nil, seconds())
                }
            }
            let late = run(
                "late", "/hang", 0.6,
                on: PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater()))
            let early = run(
                "early", "/hang", 0.3,
                on: PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater()))
            let answered = run(
                "answered", "/ok", 2,
                on: PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater()))
            let chained = PollConnection(address: address, deadlines: deadlines, inflater: BodyInflater())
            let chain = run("first", "/hang", 0.2, on: chained).flatMap { first in
                run("second", "/hang", 0.2, on: chained).map { [first, $0] }
            }
            return late.and(early).and(answered).and(chain).map { all in
                [all.0.0.0, all.0.0.1, all.0.1] + all.1
            }
        }.flatMap { $0 }.get()
        try await group.shutdownGracefully()
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.0, ($0.1, $0.2)) })
        #expect(byName["answered"]?.0 == nil, "\(results)")
        for (name, timeout) in [("early", 0.3), ("late", 0.6), ("first", 0.2), ("second", 0.4)] {
            let (failure, at) = try #require(byName[name])
            #expect(failure == .timeout, "\(name): \(String(describing: failure))")
            #expect(at >= timeout - 0.01 && at < timeout + 0.25, "\(name) timed out at \(at) s")
        }
    }
}
