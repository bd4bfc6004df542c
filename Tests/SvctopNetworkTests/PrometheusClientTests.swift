import Foundation
import SvctopCore
@testable import SvctopNetwork
import SvctopTestSupport
import Testing

@Suite("Prometheus query API: answers, warnings and every bad answer as one clear line")
struct PrometheusClientTests {
    static func client(_ server: FaultServer, _ path: String, timeout: Double = 2) throws -> PrometheusClient {
        PrometheusClient(
            transport: HTTPTransport(maxBodyBytes: 1 << 20),
            source: try PrometheusSource(url: "http://127.0.0.1:\(server.port)\(path)", selector: "{job=\"x\"}"),
            options: TransportOptions(), timeout: timeout, maxBytes: 1 << 20)
    }

    static func error(_ server: FaultServer, _ path: String, timeout: Double = 2) async throws -> String {
        let client = try client(server, path, timeout: timeout)
        defer { Task { await client.transport.shutdown() } }
        switch await client.query("up", at: 1_700_000_000, name: "the fleet query") {
        case .success(let answer): return "unexpected success: \(answer)"
        case .failure(let error): return error.description
        }
    }

    @Test("query times go out in seconds with three decimals, rounded to the millisecond")
    func queryTimes() {
        #expect(PrometheusClient.timestamp(1_800_000_000) == "1800000000.000")
        #expect(PrometheusClient.timestamp(1_800_000_000.0506) == "1800000000.051")
        #expect(PrometheusClient.timestamp(15) == "15.000")
        #expect(PrometheusClient.timestamp(0.25) == "0.250")
        #expect(PrometheusClient.timestamp(2.9999) == "3.000")
    }

    @Test("warnings come through verbatim; NaN and Inf are values the reader drops, not zeros")
    func warnings() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let client = try Self.client(server, "/promwarn")
        let answer = try await client.query("up", at: 1_700_000_000).get()
        await client.transport.shutdown()
        #expect(answer.warnings == ["partial response: store 10.0.0.7:10901 unavailable"])
        #expect(answer.series.count == 4)
        #expect(answer.series[0].points == [.init(time: 1_700_000_000.5, value: 42)])
        #expect(answer.series[1].points.first?.value.isNaN == true)
        #expect(answer.series[2].points.first?.value == .infinity)
        let samples = PromQueries(source: client.source, profile: .go).samples([answer])
        #expect(samples["a:1"]?.reading.goroutines == 42)
        #expect(samples["a:1"]?.latency.p99 == nil && samples["a:1"]?.latency.p90 == nil)
        #expect(samples["b:2"]?.up == 0)
    }

    @Test(
        "an HTML login page, a PromQL error, a 503 from a proxy, garbage, a reset, a hang and 100 MB each say what happened"
    )
    func badAnswers() async throws {
        let server = try FaultServer()
        defer { server.stop() }
        let cases: [(String, String)] = [
            ("/promhtml", "HTML page"),
            ("/promerror", "the fleet query: bad_data: 1:15: parse error"),
            ("/prom503", "HTTP 503, not the query API's JSON: upstream connect error"),
            ("/garbage", "not the query API's JSON"),
            ("/reset", "failed"),
            ("/big", "cap"),
        ]
        for (path, expected) in cases {
            let message = try await Self.error(server, path)
            #expect(message.contains(expected), "\(path): \(message)")
        }
        let started = Date()
        let hang = try await Self.error(server, "/hang", timeout: 0.5)
        #expect(hang.contains("timed out"), "\(hang)")
        #expect(Date().timeIntervalSince(started) < 3)
        let refused = PrometheusClient(
            transport: HTTPTransport(),
            source: try PrometheusSource(url: "http://127.0.0.1:\(try FaultServer.freePort())"),
            options: TransportOptions(), timeout: 1)
        let answer = await refused.query("up", at: 0, name: "the instance list")
        await refused.transport.shutdown()
        #expect(throws: SourceError.self) { try answer.get() }
        if case .failure(let e) = answer { #expect(e.description.contains("the instance list to http://127.0.0.1")) }
    }
}
