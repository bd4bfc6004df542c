import Foundation
import Testing

@testable import SvctopCore

@Suite("reading a scrape in one pass through the profile's plan")
struct ReadingPlanTests {
    /// The one-pass read, and the whole parse mapped to a reading, of the same bytes.
    static func both(
        _ text: String, _ profile: Profile = .go, format: ExpositionFormat = .prometheusText
    )
        -> (read: ReadingPlan.Scrape, whole: Reading, set: MetricSet)
    {
        let bytes = Array(text.utf8)
        let read = bytes.withUnsafeBufferPointer { ReadingPlan(profile: profile).read($0, format: format) }
        let set = MetricSet.parse(bytes, format: format)
        return (read, Reading(metrics: set, profile: profile), set)
    }

    @Test(
        "real expositions read the same in one pass as through a whole parse",
        arguments: [
            "go-client-golang.prom", "openmetrics-go.om", "python-prometheus-client.prom", "python-openmetrics.om",
        ])
    func fixtures(name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let text = try String(contentsOf: url, encoding: .utf8)
        let format: ExpositionFormat = name.hasSuffix(".om") ? .openMetrics : .prometheusText
        let (read, whole, set) = Self.both(text, format: format)
        #expect(read.reading == whole)
        #expect(read.rejectedLines == 0 && set.rejectedLines == 0)
        // Only the profile's samples are counted, and there are fewer of them than in the whole exposition.
        let plan = ReadingPlan(profile: .go)
        #expect(read.samples == set.samples.filter { plan.filter.accepts($0.name) }.count)
        #expect(read.samples < set.samples.count)
    }

    @Test("the go fixture's latency, GC pauses and memory come out as the whole parse gives them")
    func goFixtureValues() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/go-client-golang.prom", withExtension: nil))
        let (read, _, set) = Self.both(try String(contentsOf: url, encoding: .utf8))
        let r = read.reading
        #expect(r.goroutines == set.value("go_goroutines") && r.goroutines != nil)
        #expect(r.memory == set.value("process_resident_memory_bytes"))
        #expect(r.histogram.map { !$0.buckets.isEmpty && $0.count > 0 } == true)
        #expect(r.gcPauses[0.5] == set.value("go_gc_duration_seconds", matching: [Label("quantile", "0.5")]))
        #expect(r.sources[.latency] == "http_request_duration_seconds")
    }

    @Test("forty handlers, their series interleaved by status code, are each summed over their codes")
    func manyHandlers() {
        // client_golang orders label sets by code before handler: a handler's series come in several runs.
        var text = "# TYPE http_request_duration_seconds histogram\n"
        var expected: [String: [Double: Double]] = [:]
        var counts: [String: (count: Double, errors: Double)] = [:]
        for code in ["200", "404", "500"] {
            for k in 0..<40 {
                let handler = "/api/v1/resource-\(k)"
                let n = Double(k + 1) * (code == "500" ? 1 : 3)
                for (le, written) in [(0.1, "0.1"), (1, "1.0"), (.infinity, "+Inf")] as [(Double, String)] {
                    let v = le == 0.1 ? n / 3 : n
                    text +=
                        "http_request_duration_seconds_bucket{code=\"\(code)\",handler=\"\(handler)\",le=\"\(written)\"} \(v)\n"
                    expected[handler, default: [:]][le, default: 0] += v
                }
                text += "http_request_duration_seconds_count{code=\"\(code)\",handler=\"\(handler)\"} \(n)\n"
                counts[handler, default: (0, 0)].count += n
                if code == "500" { counts[handler, default: (0, 0)].errors += n }
            }
        }
        let (read, whole, _) = Self.both(text)
        #expect(read.reading == whole)
        let h = read.reading.histogram
        #expect(h?.bucketsByHandler == expected)
        #expect(h?.handlers.count == 40)
        for (handler, c) in counts {
            #expect(h?.countByHandler[handler]?.count == c.count && h?.countByHandler[handler]?.errors == c.errors)
        }
        #expect(h?.count == counts.values.reduce(0) { $0 + $1.count })
    }

    @Test("a bound written several ways is one bound; a bound or quantile that is not a number is skipped")
    func boundSpellings() {
        let text = #"""
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{handler="a",le="1"} 2
            http_request_duration_seconds_bucket{handler="a",le="+Inf"} 3
            http_request_duration_seconds_bucket{handler="b",le="1.0"} 4
            http_request_duration_seconds_bucket{handler="b",le="1e0"} 1
            http_request_duration_seconds_bucket{handler="b",le="inf"} 5
            http_request_duration_seconds_bucket{handler="b",le="fast"} 9
            http_request_duration_seconds_bucket{handler="b",le="0x1p0"} 9
            http_request_duration_seconds_bucket{handler="c",le="+INF"} 1
            http_request_duration_seconds_count{handler="a"} 3
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds{quantile="0.50"} 0.002
            go_gc_duration_seconds{quantile="1"} 0.009
            go_gc_duration_seconds{quantile="max"} 1
            go_gc_duration_seconds_count 7

            """#
        let (read, whole, _) = Self.both(text)
        #expect(read.reading == whole)
        let h = read.reading.histogram
        #expect(h?.bounds == [1, .infinity])
        #expect(h?.buckets == [1: 7, .infinity: 9])
        #expect(h?.bucketsByHandler["b"] == [1: 5, .infinity: 5])
        #expect(h?.bucketsByHandler["c"] == [.infinity: 1])
        #expect(read.reading.gcPauses == [0.5: 0.002, 1: 0.009])
    }

    @Test("labels the reading does not look at are skipped; the ones it does are read wherever they sit")
    func labels() {
        let text = """
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{method="GET",handler="/a\\"b",code="200",le="0.1"} 3
            http_request_duration_seconds_bucket{le="+Inf",code="200",handler="/a\\"b",method="GET"} 5
            http_request_duration_seconds_bucket{handler="/c",code="503",le="0.1"} 1
            http_request_duration_seconds_bucket{handler="/c",code="503",le="+Inf"} 2
            http_request_duration_seconds_count{handler="/a\\"b",code="200"} 5
            http_request_duration_seconds_count{code="503",handler="/c"} 2
            http_request_duration_seconds_count{code="503",code="200"} 1
            go_goroutines 3
            go_goroutines{x="y"} 4
            go_memstats_heap_inuse_bytes 1e6
            go_gc_gomemlimit_bytes 9.223372036854776e+18
            process_memory_limit_bytes 2e9
            workerpool_rejected_total 7
            other_family{handler="/z"} 1
            http_request_duration_seconds_bucket{handler="/a\\"b",code="200",le="1"} 4

            """
        let (read, whole, _) = Self.both(text)
        #expect(read.reading == whole)
        let h = read.reading.histogram
        #expect(h?.countByHandler["/a\"b"]?.count == 5 && h?.countByHandler["/c"]?.errors == 2)
        #expect(h?.errorCount == 3, "a duplicated code label counts by its first value")
        #expect(h?.bucketsByHandler["/a\"b"] == [0.1: 3, .infinity: 5, 1: 4])
        #expect(h?.buckets == [0.1: 4, .infinity: 7, 1: 4])
        #expect(read.reading.goroutines == 7, "every series of a name is summed")
        #expect(read.reading.memoryLimit == 2e9 && read.reading.sources[.memoryLimit] == "process_memory_limit_bytes")
        #expect(read.reading.rejectedTotal == 7 && read.reading.sources[.rejected] == "workerpool_rejected_total")
        #expect(read.samples == 14)
    }

    @Test("a profile's own handler label, one handler only, a summary, and a fixed limit read as the whole parse does")
    func profiles() {
        var byCode = Profile.go
        byCode.handlerLabel = "code"
        var oneHandler = Profile.go
        oneHandler.latencyHandler = "/c"
        oneHandler.memoryLimit = 5e8
        var summaryFirst = Profile.go
        summaryFirst.signals[.latency] = ["rpc_seconds", "http_request_duration_seconds"]
        summaryFirst.signals[.goroutines] = ["go_goroutines_missing", "go_goroutines"]
        let text = """
            http_request_duration_seconds_bucket{handler="/a",code="200",le="0.1"} 3
            http_request_duration_seconds_bucket{handler="/a",code="200",le="+Inf"} 5
            http_request_duration_seconds_bucket{handler="/c",code="503",le="0.1"} 1
            http_request_duration_seconds_bucket{handler="/c",code="503",le="+Inf"} 2
            http_request_duration_seconds_count{handler="/a",code="200"} 5
            http_request_duration_seconds_count{handler="/c",code="503"} 2
            rpc_seconds{handler="/a",quantile="0.5"} 0.01
            rpc_seconds{handler="/a",quantile="0.99"} 0.2
            rpc_seconds{handler="/c",quantile="0.99"} NaN
            rpc_seconds_count{handler="/a"} 10
            go_goroutines_missing_total 12
            go_goroutines 9

            """
        for profile in [byCode, oneHandler, summaryFirst] {
            let (read, whole, _) = Self.both(text, profile)
            #expect(read.reading == whole, "\(profile.handlerLabel) \(String(describing: profile.latencyHandler))")
        }
        #expect(Self.both(text, byCode).read.reading.histogram?.countByHandler["503"]?.errors == 2)
        #expect(Self.both(text, oneHandler).read.reading.histogram?.count == 2)
        #expect(Self.both(text, oneHandler).read.reading.memoryLimit == 5e8)
        let summary = Self.both(text, summaryFirst).read.reading
        #expect(summary.latencySummary == [0.5: 0.01, 0.99: 0.2] && summary.histogram?.count == 10)
        #expect(summary.goroutines == 12 && summary.sources[.goroutines] == "go_goroutines_missing_total")
    }

    @Test("bad lines of a wanted name are counted, other names' are skipped unchecked; none wanted reads nothing")
    func badLines() {
        let (read, _, set) = Self.both("go_goroutines 3\nother{ 1\ngo_threads{a=b} 2\ngo_threads 4\n")
        #expect(read.rejectedLines == 1 && read.firstError?.line == 3)
        #expect(set.rejectedLines == 2)
        #expect(read.reading.goroutines == 3 && read.reading.threads == 4 && read.samples == 2)
        let none = Self.both("some_other_total 3\n").read
        #expect(none.samples == 0 && none.reading == Reading())
    }

    @Test("a plan's tables are made once per set of names read, and shared by profiles that differ in their limit")
    func shared() {
        var limited = Profile.go
        limited.memoryLimit = 1e9
        limited.latencyHandler = "/a"
        let plain = ReadingPlan.of(.go)
        let other = ReadingPlan.of(limited)
        #expect(plain.profile == .go && other.profile == limited)
        #expect(plain.filter == SampleFilter(profile: .go))
        // The same tables, not copies of them.
        #expect(
            plain.kept.withUnsafeBufferPointer { $0.baseAddress }
                == other.kept.withUnsafeBufferPointer { $0.baseAddress })
        // Each maps through its own profile.
        let text = Array("go_goroutines 3\n".utf8)
        let read = text.withUnsafeBufferPointer { other.read($0, format: .prometheusText) }
        #expect(read.reading.memoryLimit == 1e9 && read.reading.goroutines == 3)
        var renamed = Profile.go
        renamed.handlerLabel = "route"
        #expect(!plain.reads(like: renamed) && ReadingPlan.of(renamed).profile.handlerLabel == "route")
        #expect(Signal.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
    }
}
