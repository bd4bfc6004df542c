import Foundation
import SvctopTestSupport
import Testing
@testable import SvctopCore

@Suite("Prometheus text and OpenMetrics parsing")
struct ExpositionParserTests {
    @Test("samples, labels, types and HELP of a small exposition")
    func basic() {
        let set = MetricSet.parse(
            """
            # HELP go_goroutines Number of goroutines that currently exist.
            # TYPE go_goroutines gauge
            go_goroutines 95.0
            # HELP http_requests_total Requests.\\nSecond line with \\\\ backslash.
            # TYPE http_requests_total counter
            http_requests_total{code="200",method="GET"} 1027 1395066363000
            http_requests_total{code="500",method="POST",} 3
            empty_labels{} 1e3

            """)
        #expect(set.rejectedLines == 0, "\(String(describing: set.firstError))")
        #expect(set.value("go_goroutines") == 95)
        #expect(set.value("http_requests_total", matching: [Label("code", "500")]) == 3)
        #expect(set.samples(named: "http_requests_total").first?.timestampMs == 1_395_066_363_000)
        #expect(set.value("empty_labels") == 1000)
        #expect(set.types["go_goroutines"] == .gauge)
        #expect(set.types["http_requests_total"] == .counter)
        #expect(set.help["http_requests_total"] == "Requests.\nSecond line with \\ backslash.")
        #expect(set.sum("http_requests_total") == 1030)
    }

    @Test(
        "sample values",
        arguments: [
            ("1", 1.0), ("-1.5", -1.5), ("+Inf", Double.infinity), ("-Inf", -Double.infinity), ("inf", Double.infinity),
            ("1e-3", 0.001), ("1.0E+6", 1e6), ("0.000123456789012345678", 0.000123456789012345678), (".5", 0.5),
            ("123456789012345678901234", 123456789012345678901234.0), ("95.0", 95.0), ("0", 0), ("-0", 0),
            ("3.14159265358979323846", 3.14159265358979323846),
        ])
    func values(text: String, expected: Double) {
        let set = MetricSet.parse("m \(text)\n")
        #expect(set.rejectedLines == 0, "\(text): \(String(describing: set.firstError))")
        #expect(set.value("m") == expected)
    }

    @Test("NaN is a value")
    func nan() {
        let set = MetricSet.parse("m NaN\n")
        #expect(set.value("m")?.isNaN == true)
    }

    @Test(
        "values Prometheus rejects", arguments: ["0x1p3", "1_000", "abc", "1e", "--1", "1.2.3", "", "Infinit", "1e400"])
    func invalidValues(text: String) {
        let set = MetricSet.parse("m \(text)\nok 1\n")
        #expect(set.rejectedLines == 1)
        #expect(set.value("ok") == 1, "a bad line must not lose the next one")
        #expect(set.value("m") == nil)
    }

    @Test("label escapes and UTF-8")
    func escapes() {
        let set = MetricSet.parse(#"m{path="C:\\dir",quote="say \"hi\"",nl="a\nb",utf="naïve ☃"} 1"# + "\n")
        #expect(set.rejectedLines == 0, "\(String(describing: set.firstError))")
        let s = set.samples(named: "m").first!
        #expect(s.label("path") == "C:\\dir")
        #expect(s.label("quote") == "say \"hi\"")
        #expect(s.label("nl") == "a\nb")
        #expect(s.label("utf") == "naïve ☃")
    }

    @Test("CRLF line endings and blank lines")
    func crlf() {
        let set = MetricSet.parse("# TYPE a gauge\r\na 1\r\n\r\nb{x=\"y\"} 2\r\n")
        #expect(set.rejectedLines == 0)
        #expect(set.value("a") == 1)
        #expect(set.value("b") == 2)
    }

    @Test("errors carry line, column, expected and found")
    func errorPosition() {
        let set = MetricSet.parse("good 1\nbad{x=1} 2\nalso_good 3\n")
        #expect(set.rejectedLines == 1)
        let e = set.firstError!
        #expect(e.line == 2)
        #expect(e.column == 7)
        #expect(e.expected.contains("opening a label value"))
        #expect(e.found == "'1'")
        #expect(e.snippet == "bad{x=1} 2")
        #expect(set.value("also_good") == 3)
    }

    @Test("invalid label escapes are rejected")
    func invalidEscape() {
        let set = MetricSet.parse(#"m{a="\q"} 1"# + "\n")
        #expect(set.rejectedLines == 1)
    }

    @Test("OpenMetrics: EOF, UNIT, exemplars, _created, float timestamps")
    func openMetrics() {
        let text = """
            # TYPE foo counter
            # UNIT foo seconds
            # HELP foo Help with a \\"quote\\".
            foo_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879602.1
            foo_created{a="b"} 1520430000.123
            # TYPE h histogram
            h_bucket{le="0.5"} 1 # {trace_id="x"} 0.3
            h_bucket{le="+Inf"} 2
            h_count 2
            h_sum 1.2
            # TYPE st stateset
            st{st="a"} 1
            # TYPE i info
            i_info{version="1"} 1
            # EOF

            """
        let set = MetricSet.parse(text, format: .openMetrics)
        #expect(set.rejectedLines == 0, "\(String(describing: set.firstError))")
        #expect(set.value("foo_total") == 17)
        #expect(set.samples(named: "foo_total").first?.timestampMs == 1_520_879_607_789)
        #expect(set.units["foo"] == "seconds")
        #expect(set.help["foo"] == "Help with a \"quote\".")
        #expect(set.value("foo_created") == 1_520_430_000.123)
        #expect(set.types["st"] == .stateset)
        #expect(set.familyType(ofSample: "h_bucket") == .histogram)
        #expect(set.familyType(ofSample: "foo_total") == .counter)
    }

    @Test("every type word is read as its type; the text format takes its five and rejects the others")
    func typeWords() {
        for type in MetricType.allCases {
            let openMetrics = MetricSet.parse("# TYPE m \(type.rawValue)\n# EOF\n", format: .openMetrics)
            #expect(openMetrics.rejectedLines == 0 && openMetrics.types["m"] == type, "\(type)")
            let text = MetricSet.parse("# TYPE m \(type.rawValue)  \n")
            let textFormat: [MetricType] = [.counter, .gauge, .histogram, .summary, .untyped]
            #expect(text.rejectedLines == (textFormat.contains(type) ? 0 : 1), "\(type)")
            #expect(text.types["m"] == (textFormat.contains(type) ? type : nil), "\(type)")
        }
        let wrong = MetricSet.parse("# TYPE m Counter\n# TYPE n counters\n# TYPE o coun\n")
        #expect(wrong.rejectedLines == 3 && wrong.types.isEmpty)
        #expect(wrong.firstError?.found == "'Counter'")
    }

    @Test("OpenMetrics without # EOF is reported, samples kept")
    func missingEOF() {
        let set = MetricSet.parse("a 1\n", format: .openMetrics)
        #expect(set.value("a") == 1)
        #expect(set.rejectedLines == 1)
        #expect(set.firstError?.expected == "# EOF")
    }

    @Test("content negotiation picks the format and names protobuf")
    func detect() throws {
        #expect(
            try ExpositionFormat.detect(contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8").get()
                == .openMetrics)
        #expect(try ExpositionFormat.detect(contentType: "text/plain; version=0.0.4").get() == .prometheusText)
        guard
            case .failure(let e) = ExpositionFormat.detect(
                contentType:
                    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
        else {
            Issue.record("protobuf must be refused")
            return
        }
        #expect(e.found.contains("protobuf"))
        #expect(ExpositionFormat.acceptHeader.hasPrefix("application/openmetrics-text"))
    }

    @Test(
        "real captured expositions parse without rejects",
        arguments: [
            "go-client-golang.prom", "python-prometheus-client.prom", "openmetrics-go.om", "python-openmetrics.om",
        ])
    func fixtures(name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let bytes = try [UInt8](Data(contentsOf: url))
        let set = MetricSet.parse(bytes, format: name.hasSuffix(".om") ? .openMetrics : .prometheusText)
        #expect(set.rejectedLines == 0, "\(String(describing: set.firstError))")
        #expect(set.samples.count > 20)
    }

    @Test(
        "a parse filtered to the Go profile's names reads what the whole parse reads, from the wanted samples only",
        arguments: ["go-client-golang.prom", "openmetrics-go.om"])
    func filteredParse(name: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let bytes = try [UInt8](Data(contentsOf: url))
        let format: ExpositionFormat = name.hasSuffix(".om") ? .openMetrics : .prometheusText
        let filter = SampleFilter(profile: .go)
        let whole = MetricSet.parse(bytes, format: format)
        let filtered = bytes.withUnsafeBufferPointer { MetricSet.parse($0, format: format, only: filter) }
        #expect(filtered.rejectedLines == 0)
        #expect(Reading(metrics: filtered, profile: .go) == Reading(metrics: whole, profile: .go))
        #expect(Reading(metrics: whole, profile: .go).histogram != nil)
        // Every kept sample is wanted, every wanted sample is kept, and the others are counted as skipped.
        let wanted = whole.samples.filter { filter.accepts($0.name) }
        #expect(filtered.samples == wanted)
        #expect(filtered.skippedSamples == whole.samples.count - wanted.count)
        #expect(filtered.skippedSamples > 10)
        #expect(filtered.types["go_goroutines"] == .gauge)
        #expect(filtered.types["http_request_duration_seconds"] == .histogram)
        // A family svctop does not read keeps no type either.
        let unread = whole.types.keys.filter { !filter.accepts($0) }
        #expect(!unread.isEmpty)
        #expect(unread.allSatisfy { filtered.types[$0] == nil })
    }

    @Test("a filter matches whole names by their bytes")
    func sampleFilter() {
        let filter = SampleFilter(names: ["go_goroutines", "h_bucket", "h"])
        #expect(filter.accepts("go_goroutines") && filter.accepts("h") && filter.accepts("h_bucket"))
        #expect(!filter.accepts("go_goroutine") && !filter.accepts("go_goroutinez") && !filter.accepts("h_"))
        #expect(!filter.accepts("a_name_longer_than_any_wanted_one") && !filter.accepts(""))
        let text = Array("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nother{a=\"b\"} 1\nh_count 2\nbroken{ 1\n".utf8)
        let set = text.withUnsafeBufferPointer { MetricSet.parse($0, format: .prometheusText, only: filter) }
        #expect(set.samples.map(\.name) == ["h_bucket"])
        // A wanted family's line is checked as before; another family's is skipped after its name.
        #expect(set.skippedSamples == 3 && set.rejectedLines == 0)
    }

    @Test("among hundreds of wanted names, each is found and every near miss is not")
    func sampleFilterAtScale() {
        let wanted = (0..<700).map { "family_\($0 * 7)_seconds" }
        let filter = SampleFilter(names: wanted + [""])
        #expect(wanted.allSatisfy { filter.accepts($0) })
        let misses = (0..<700).flatMap { i in
            ["family_\(i * 7 + 1)_seconds", "family_\(i * 7)_second", "family_\(i * 7)_secondz", "x" + wanted[i]]
        }
        #expect(!misses.contains { filter.accepts($0) })
        #expect(!filter.accepts("") && !SampleFilter(names: []).accepts("go_goroutines"))
        #expect(filter == SampleFilter(names: wanted.reversed()), "equal whatever the order the names came in")
    }

    @Test("truncation at every offset and byte mutations never crash")
    func neverCrashes() {
        let text = Array(
            """
            # HELP h A histogram.
            # TYPE h histogram
            h_bucket{handler="/a\\"b",le="0.1"} 3
            h_bucket{handler="/a\\"b",le="+Inf"} 4 1700000000000
            h_sum 0.5
            h_count 4
            # EOF

            """.utf8)
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            for end in 0...text.count {
                _ = MetricSet.parse(Array(text[0..<end]), format: format)
            }
            var random = SeededRandom.forFuzzing("exposition \(format)")
            let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            let intact = MetricSet.parse(text, format: format).samples.count
            for _ in 0..<2000 {
                var mutated = text
                for _ in 0..<3 {
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(
                        in: 0...255, using: &random)
                }
                let set = MetricSet.parse(mutated, format: format)
                // Three flipped bytes can split at most three lines: no more samples than the intact text plus
                // three, every kept sample has a name, and no line is both kept and rejected.
                #expect(set.samples.count <= intact + 3, "\(random.label)")
                #expect(set.samples.count + set.rejectedLines <= lines + 3, "\(random.label)")
                #expect(set.samples.allSatisfy { !$0.name.isEmpty }, "\(random.label)")
            }
        }
    }

    @Test("a metric name's end is found eight bytes at a time exactly where a byte-by-byte scan finds it")
    func nameEnd() {
        // Every byte value in every position of a word, after a run of name bytes and before more of them.
        for value in 0...255 {
            let byte = UInt8(value)
            let isName =
                (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
                || (byte >= 0x61 && byte <= 0x7A)
            for lane in 0..<8 {
                var word = Array("aZ_9:zA0".utf8)
                word[lane] = byte
                let nameBytes = ("xx" + "a_b:c9ZYq").utf8 + word + "tail_1".utf8 + [UInt8(ascii: " ")]
                let bytes = Array(nameBytes)
                let found = bytes.withUnsafeBufferPointer { metricNameEnd($0, from: 1, end: $0.count) }
                let expected = isName ? bytes.count - 1 : 11 + lane
                #expect(found == expected, "byte \(value) at \(lane)")
                #expect((nonNameBytes(UInt64(value) << (8 * UInt64(lane))) >> (8 * UInt64(lane)) & 0x80 == 0) == isName)
            }
        }
        // Ends within a word, at the end of the input, and names shorter than a word.
        for text in ["", "a", "ab{", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh ", "abcdefghijklmnopq{x"] {
            let bytes = Array(text.utf8)
            let found = bytes.withUnsafeBufferPointer { $0.isEmpty ? 0 : metricNameEnd($0, from: 0, end: $0.count) }
            #expect(found == (bytes.firstIndex { !"abcdefghijklmnopq".utf8.contains($0) } ?? bytes.count), "\(text)")
        }
    }

    @Test("lines that repeat the last line's name and labels read exactly as each line parsed on its own")
    func repeatedPrefixes() {
        var random = SeededRandom.forFuzzing("repeated prefixes")
        let names = ["http_request_duration_seconds_bucket", "h_count", "go_goroutines", "x"]
        let labelNames = ["code", "handler", "method", "le", "quantile"]
        let values = ["200", "/api/a", "/a\\\"b", "get", "0.005", "+Inf", "", "x,y"]
        for _ in 0..<300 {
            var lines: [String] = []
            var base = ""
            for _ in 0..<40 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0, 1:
                    // A new series: a name and a few labels.
                    let name = names.randomElement(using: &random)!
                    let labels = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                        "\(labelNames.randomElement(using: &random)!)=\"\(values.randomElement(using: &random)!)\""
                    }
                    base = labels.isEmpty ? name + "{" : name + "{" + labels.joined(separator: ",") + ","
                    // Sometimes a series' first line is bad after its labels: what follows reads without it.
                    let value =
                        Int.random(in: 0..<5, using: &random) == 0 ? "bad" : "\(Int.random(in: 0...99, using: &random))"
                    lines.append(base + "le=\"\(Int.random(in: 1...9, using: &random))\"} " + value)
                case 2:
                    // The same labels, then more of them, or none more (a trailing comma), or a bad value.
                    let tails = [
                        "le=\"1\",extra=\"e\"} 1", "} 2", "le=\"2\"} x", "le=\"3\" 1", "le=\"+Inf\"} 4 1700000000000",
                        "le =\"5\" , z=\"\\n\"} 5", "le=\"6\"}\t6",
                    ]
                    lines.append(base + tails.randomElement(using: &random)!)
                case 3:
                    lines.append(
                        ["# HELP x help", "# TYPE h histogram", "", "  ", "# a comment", "go_threads 4"]
                            .randomElement(using: &random)!)
                default:
                    // The next bucket: only the last label's value differs.
                    lines.append(base + "le=\"\(Double(Int.random(in: 1...999, using: &random)) / 100)\"} 7")
                }
            }
            let text = lines.joined(separator: "\n") + "\n"
            let whole = MetricSet.parse(text)
            var samples: [Sample] = []
            var rejected = 0
            for line in lines {
                let alone = MetricSet.parse(line + "\n")
                samples += alone.samples
                rejected += alone.rejectedLines
            }
            #expect(whole.samples == samples, "\(random.label)\n\(text)")
            #expect(whole.rejectedLines == rejected, "\(random.label)\n\(text)")
            // Through the go profile's plan (which reads the repeated labels once) as through the parsed lines.
            let plan = ReadingPlan(profile: .go)
            let read = Array(text.utf8).withUnsafeBufferPointer { plan.read($0, format: .prometheusText) }
            let reference = Reading(metrics: MetricSet(samples: samples, types: whole.types), profile: .go)
            #expect(read.reading == reference, "\(random.label)\n\(text)")
        }
    }
}
