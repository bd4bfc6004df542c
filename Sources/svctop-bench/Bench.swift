import ArgumentParser
import CMallocCounter
import Foundation
import SvctopCore
import SvctopRender

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop-bench",
        abstract: "Benchmarks of svctop's parsers and renderer. Build with -c release.",
        subcommands: [
            ParseBench.self, DumpBench.self, ProfileBench.self, RenderBench.self, EngineBench.self, SourceBench.self,
            RecordBench.self, StateBench.self,
        ])
}

/// Wall time of `body`, in seconds.
func measure(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Prometheus text parsing: MB/s, samples/s, allocations per sample.")

    @Argument(help: "An exposition file to parse (default: generated expositions of 1 MB and 10 MB).")
    var file: String?

    @Option(help: "Iterations per input.")
    var iterations = 10

    @Flag(
        help:
            "Also run Go's prometheus/common expfmt.TextParser on the same input (needs go and golang-github-prometheus-common-dev)."
    )
    var compareGo = false

    func run() throws {
        var inputs: [(String, [UInt8])] = []
        if let file {
            inputs.append((file, try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))))
        } else {
            inputs.append(("generated 1 MB", Generators.exposition(bytes: 1 << 20)))
            inputs.append(("generated 10 MB", Generators.exposition(bytes: 10 << 20)))
        }
        for (name, bytes) in inputs {
            var samples = 0
            let check = MetricSet.parse(bytes)  // warm up, and make sure the input is valid
            if check.rejectedLines > 0 {
                print("  warning: \(check.rejectedLines) lines rejected, first: \(check.firstError!)")
            }
            let allocationsBefore = svctop_malloc_count()
            var best = Double.infinity
            for _ in 0..<iterations {
                let t = measure { samples = MetricSet.parse(bytes).samples.count }
                best = min(best, t)
            }
            let allocations = Double(svctop_malloc_count() - allocationsBefore) / Double(iterations)
            // The pull parser alone, without building the sample set.
            var pullBest = Double.infinity
            for _ in 0..<iterations {
                pullBest = min(
                    pullBest,
                    measure {
                        bytes.withUnsafeBufferPointer { buffer in
                            var p = ExpositionParser(bytes: buffer, format: .prometheusText)
                            var n = 0
                            while true {
                                let e = p.next()
                                if e == .end { break }
                                if e == .sample { n &+= 1 }
                            }
                            precondition(n > 0)
                        }
                    })
            }
            // As a scrape is read: through the go profile's plan, straight to a reading.
            let plan = ReadingPlan.of(.go)
            var readBest = Double.infinity
            var kept = 0
            for _ in 0..<iterations {
                readBest = min(
                    readBest,
                    measure { kept = bytes.withUnsafeBufferPointer { plan.read($0, format: .prometheusText) }.samples })
            }
            let mb = Double(bytes.count) / 1e6
            print("\(name): \(format(mb, 2)) MB, \(samples) samples")
            print(
                "  MetricSet.parse:  \(format(mb / best)) MB/s  \(format(Double(samples) / best / 1e6, 2)) M samples/s  "
                    + "\(format(allocations / Double(max(samples, 1)), 2)) allocations/sample  (best of \(iterations))")
            print("  pull parser only: \(format(mb / pullBest)) MB/s")
            print(
                "  read through the go profile: \(format(readBest * 1e6, 2)) µs, \(format(mb / readBest)) MB/s "
                    + "(\(kept) samples kept)")
            if compareGo {
                if let goRate = try GoComparison.expfmtRate(bytes: bytes) {
                    print(
                        "  Go expfmt.TextParser: \(format(goRate)) MB/s  → svctop is \(format((mb / best) / goRate, 1))x faster"
                    )
                } else {
                    print(
                        "  Go expfmt.TextParser: not available (install golang-go golang-github-prometheus-common-dev)")
                }
            }
        }
    }
}

struct DumpBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Goroutine dump parsing and grouping: time, goroutines, groups.")

    @Argument(help: "A goroutine dump file (default: a generated debug=2 dump of --goroutines goroutines).")
    var file: String?

    @Option(help: "Goroutines in the generated dump.")
    var goroutines = 50_000

    @Option(help: "Iterations.")
    var iterations = 5

    @Option(help: "Grouping: loose or exact.")
    var mode = "loose"

    func run() throws {
        let bytes =
            try file.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? Generators.goroutineDump(count: goroutines)
        let grouping: GroupingMode = mode == "exact" ? .exact : .loose
        var dump = GoroutineDumpParser.parse(bytes, mode: grouping)
        var best = Double.infinity
        for _ in 0..<iterations {
            best = min(best, measure { dump = GoroutineDumpParser.parse(bytes, mode: grouping) })
        }
        print(
            "\(file ?? "generated debug=2 dump"): \(format(Double(bytes.count) / 1e6, 1)) MB, \(dump.total) goroutines, "
                + "\(dump.groups.count) groups (\(grouping.rawValue)), \(dump.skippedLines) lines skipped")
        print(
            "  parse + group: \(format(best * 1000)) ms (best of \(iterations)), \(format(Double(bytes.count) / 1e6 / best)) MB/s"
        )
        for g in dump.groups.prefix(3) {
            print(
                "  \(g.count)\t\(g.stateSummary)\t\(g.topApplicationFrame?.function ?? g.frames.first?.function ?? "")")
        }
    }
}

struct RenderBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Fleet rendering: time per frame and changed cells per frame.")

    @Option(help: "Instances in the fleet.")
    var instances = 100

    @Option(help: "Screen width.")
    var width = 120

    @Option(help: "Screen height.")
    var height = 40

    @Option(help: "Frames.")
    var frames = 200

    func run() {
        let now = 1_700_000_000.0
        var state = Generators.fleetState(instances: instances, width: width, height: height, now: now)
        let renderer = Renderer()
        var previous = renderer.render(state)
        var changedCells = 0
        var renderTime = 0.0
        var diffTime = 0.0
        for f in 1...frames {
            let t = now + Double(f)
            for id in 0..<instances {
                let text =
                    "go_goroutines \(100 + id + f % 10)\nprocess_resident_memory_bytes \(1e8 + Double(id) * 1e6)\ngo_gc_gomemlimit_bytes 1e9\n"
                _ = state.reduce(.scrapeCompleted(id, .success(MetricSet.parse(text), duration: 0.002)), now: t)
            }
            var frame = previous
            renderTime += measure { frame = renderer.render(state) }
            var runs: [ScreenBuffer.Run] = []
            diffTime += measure { runs = frame.diff(from: previous) }
            changedCells += runs.reduce(0) { $0 + $1.cells.count }
            previous = frame
        }
        print("\(instances) instances at \(width)x\(height), \(frames) frames (every instance changes every frame):")
        print(
            "  render \(format(renderTime / Double(frames) * 1e6, 0)) µs/frame, diff \(format(diffTime / Double(frames) * 1e6, 0)) µs/frame, "
                + "\(changedCells / frames) changed cells/frame")
    }
}
