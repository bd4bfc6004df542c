import ArgumentParser
import Foundation
import SvctopCore
import SvctopRecord

/// The flight recorder's cost: bytes an hour, encoding time per event, and how long a replay takes to open and to
/// jump, on a recording given or one generated (50 instances of a Go-like service at 1 s by default).
struct RecordBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Recording size per hour, encode cost per event, replay open and seek times.")

    @Argument(help: "A recording to re-encode and replay (default: generate one).")
    var file: String?

    @Option(help: "Generated: instances.")
    var instances = 50

    @Option(help: "Generated: recorded seconds (one scrape per instance per second).")
    var seconds = 3600

    @Option(help: "Seconds per block.")
    var blockSeconds = 60.0

    @Option(help: "Random jumps to time.")
    var seeks = 20

    @Option(help: "Replay: entries reduced between checkpoints.")
    var checkpointEvents = 2_000

    @Flag(help: "Print the inflated bytes by record kind.")
    var breakdown = false

    func run() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("svctop-bench-\(getpid()).svrec").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var events = 0
        let encodeSeconds: Double
        let span: Double
        if let file {
            var source = try Recording.read(path: file)
            let entries = source.decodeAll()
            let state = source.header.initialState()
            let writer = try RecordingWriter(path: path, header: source.header, blockSeconds: blockSeconds)
            encodeSeconds = measure {
                for entry in entries {
                    if case .event(let event) = entry.recorded { writer.record(event, time: entry.time, state: state) }
                    writer.flushIfDue(now: entry.time)
                }
                writer.close(now: entries.last?.time ?? 0)
            }
            events = entries.count
            span = (entries.last?.time ?? 0) - (entries.first?.time ?? 0)
        } else {
            let start = 1_800_000_000.0
            let targets = (0..<instances).map { Target(name: "svc-\($0)", baseURL: "http://10.0.0.\($0):8080") }
            var state = AppState(targets: targets, now: start)
            let writer = try RecordingWriter(
                path: path,
                header: RecordingHeader(startedAt: start, host: "bench", settings: Settings(), targets: targets),
                blockSeconds: blockSeconds)
            var encoding = 0.0
            for t in 0..<seconds {
                let now = start + Double(t)
                for id in 0..<instances {
                    let scrape = Event.scrapeCompleted(
                        id, .success(MetricSet.parse(Self.exposition(instance: id, second: t)), duration: 0.003))
                    _ = state.reduce(scrape, now: now)
                    encoding += measure { writer.record(scrape, time: now, state: state) }
                    events += 1
                    if t % 5 == id % 5 {
                        let probe = Event.probeCompleted(
                            id, .readiness, ProbeResult(isPassing: true, status: 200, detail: "ok"))
                        _ = state.reduce(probe, now: now)
                        encoding += measure { writer.record(probe, time: now, state: state) }
                        events += 1
                    }
                }
                _ = state.reduce(.ticked, now: now + 0.5)
                encoding += measure {
                    writer.record(.ticked, time: now + 0.5, state: state)
                    writer.flushIfDue(now: now + 0.5)
                }
                events += 1
            }
            encoding += measure { writer.close(now: start + Double(seconds)) }
            encodeSeconds = encoding
            span = Double(seconds)
        }
        if breakdown, let reread = try? Recording.read(path: path) {
            var bytes: [String: Int] = [:]
            var counts: [String: Int] = [:]
            for block in reread.blocks {
                var source = ByteSource(block.raw)
                var codec = RecordCodec()
                while !source.isAtEnd {
                    let before = source.position
                    guard let entry = try? codec.decode(from: &source) else { break }
                    var name = "journal"
                    if case .event(let event) = entry.recorded { name = String("\(event)".prefix { $0 != "(" }) }
                    bytes[name, default: 0] += source.position - before
                    counts[name, default: 0] += 1
                }
            }
            let inflated = reread.blocks.reduce(0) { $0 + $1.raw.count }
            print("inflated \(format(Double(inflated) / 1_048_576, 2)) MiB in \(reread.blocks.count) blocks")
            for (name, n) in bytes.sorted(by: { $0.value > $1.value }) {
                print("  \(name): \(n) bytes, \(counts[name]!) records, \(n / max(1, counts[name]!)) bytes each")
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
        print("events \(events) over \(format(span / 60, 1)) min, file \(format(size / 1_048_576, 2)) MiB")
        print("per hour: \(format(size / max(span, 1) * 3600 / 1_048_576, 1)) MiB")
        print(
            "encode (and compress, and write): \(format(encodeSeconds / Double(max(events, 1)) * 1e6, 2)) µs an event")

        var recording: Recording!
        let residentBefore = Self.residentMiB()
        let open = measure { recording = try? Recording.read(path: path) }
        let residentOpen = Self.residentMiB()
        var player: ReplayPlayer!
        let first = measure { player = ReplayPlayer(recording: recording, checkpointSpacing: checkpointEvents) }
        let toEnd = measure { player.advance(to: recording.lastTime) }
        let residentPlayed = Self.residentMiB()
        var times: [Double] = []
        var random = SystemRandomNumberGenerator()
        for _ in 0..<seeks {
            let target = Double.random(in: recording.firstTime...recording.lastTime, using: &random)
            times.append(measure { player.seek(to: target) })
        }
        times.sort()
        print("open: read and inflate \(format(open * 1000)) ms, first frame's state \(format(first * 1000)) ms")
        print("play through the whole recording: \(format(toEnd * 1000)) ms")
        print(
            "resident: \(format(residentBefore, 1)) MiB before opening, \(format(residentOpen, 1)) MiB open,"
                + " \(format(residentPlayed, 1)) MiB played through (\(player.checkpointCount) checkpoints)")
        if !times.isEmpty {
            print(
                "jump to a random time (\(seeks)): median \(format(times[times.count / 2] * 1000)) ms, max \(format(times.last! * 1000)) ms"
            )
        }
    }

    /// This process's resident memory (Linux: /proc/self/statm), in MiB.
    static func residentMiB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// A Go service's exposition at second `t`: runtime gauges, a latency histogram of four handlers and two codes
    /// (12 buckets), DB pool counters, GC summary.
    static func exposition(instance id: Int, second t: Int) -> String {
        var text = """
            go_goroutines \(120 + id % 7 + (t * 13 + id) % 9)
            go_threads 14
            process_resident_memory_bytes \(90_000_000 + id * 100_000 + (t * 7919 + id) % 400_000)
            go_memstats_heap_inuse_bytes \(50_000_000 + (t * 104_729 + id) % 3_000_000)
            go_gc_gomemlimit_bytes 536870912
            process_start_time_seconds 1799990000
            go_sql_in_use_connections \((t + id) % 6)
            go_sql_max_open_connections 20
            go_sql_wait_count_total \(t / 30)
            go_sql_wait_duration_seconds_total \(Double(t / 30) * 0.004)
            go_gc_duration_seconds{quantile="0"} 0.00002
            go_gc_duration_seconds{quantile="0.5"} 0.00011
            go_gc_duration_seconds{quantile="1"} 0.0009
            go_gc_duration_seconds_sum \(Double(t) * 0.0001)
            go_gc_duration_seconds_count \(t / 3)

            """
        let bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
        for (h, handler) in ["/api/orders", "/api/cart", "/api/users", "/healthz"].enumerated() {
            for code in ["200", "500"] {
                let rate = code == "200" ? 40 / (h + 1) : 1
                var cumulative = 0
                for (i, le) in bounds.enumerated() {
                    cumulative += (t * rate * (12 - i)) / 78 + ((t + id + i) % 3 == 0 ? 1 : 0)
                    text +=
                        "http_request_duration_seconds_bucket{code=\"\(code)\",handler=\"\(handler)\",le=\"\(le)\"} \(cumulative)\n"
                }
                text +=
                    "http_request_duration_seconds_sum{code=\"\(code)\",handler=\"\(handler)\"} \(Double(cumulative) * 0.04)\n"
                text += "http_request_duration_seconds_count{code=\"\(code)\",handler=\"\(handler)\"} \(cumulative)\n"
            }
        }
        return text
    }
}
