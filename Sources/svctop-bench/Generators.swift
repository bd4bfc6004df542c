import SvctopCore

/// Deterministic generators of realistic inputs for the benchmarks.
enum Generators {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A Prometheus text exposition of about `bytes` bytes: HELP/TYPE, counters and gauges with several labels,
    /// histograms with 11 buckets per label set, escaped label values, a few timestamps.
    static func exposition(bytes target: Int, seed: UInt64 = 42) -> [UInt8] {
        var r = Random(state: seed)
        var out = ""
        out.reserveCapacity(target + 4096)
        let methods = ["GET", "POST", "PUT", "DELETE"]
        let codes = ["200", "201", "204", "400", "404", "500", "503"]
        var family = 0
        while out.utf8.count < target {
            family += 1
            let service = "svc_\(family)"
            switch family % 4 {
            case 0:
                let name = "http_request_duration_seconds_\(service)"
                out += "# HELP \(name) A histogram of latencies for requests,\\nwith a \\\\ backslash.\n"
                out += "# TYPE \(name) histogram\n"
                for h in 0..<6 {
                    let labels =
                        "code=\"\(codes[r.below(codes.count)])\",handler=\"/api/v1/orders/{id}/items\(h)\",method=\"\(methods[r.below(4)])\""
                    var cumulative = 0
                    for le in ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"] {
                        cumulative += r.below(500)
                        out += "\(name)_bucket{\(labels),le=\"\(le)\"} \(cumulative)\n"
                    }
                    out += "\(name)_sum{\(labels)} \(Double(r.below(1_000_000)) / 1000)\n"
                    out += "\(name)_count{\(labels)} \(cumulative)\n"
                }
            case 1:
                let name = "requests_total_\(service)"
                out += "# HELP \(name) Total requests.\n# TYPE \(name) counter\n"
                for i in 0..<20 {
                    out +=
                        "\(name){instance=\"10.0.\(i).\(r.below(255)):8080\",job=\"api\",path=\"/p/\(i)\",quote=\"say \\\"hi\\\"\"} \(r.below(10_000_000))\n"
                }
            case 2:
                let name = "queue_depth_\(service)"
                out += "# HELP \(name) Depth.\n# TYPE \(name) gauge\n"
                for i in 0..<20 {
                    out +=
                        "\(name){queue=\"q\(i)\",shard=\"\(r.below(64))\"} \(Double(r.below(100_000)) / 7) 1700000000\(r.below(1000))\n"
                }
            default:
                let name = "go_memstats_\(service)_bytes"
                out +=
                    "# HELP \(name) Bytes.\n# TYPE \(name) gauge\n\(name) \(Double(r.next() % 1_000_000_000) * 1.5e-3)\n"
            }
        }
        return Array(out.utf8)
    }

    /// A `debug=2` goroutine dump of `count` goroutines: most at a few leak sites, the rest spread over
    /// varied stacks, with pointer arguments, wait times, `created by ... in goroutine N`, and elided frames.
    static func goroutineDump(count: Int, seed: UInt64 = 7) -> [UInt8] {
        var r = Random(state: seed)
        var out = ""
        out.reserveCapacity(count * 380)
        let goroot = "/usr/local/go/src"
        let sites: [(state: String, frames: [(String, String, Int)], creator: (String, String, Int))] = [
            (
                "select",
                [
                    ("runtime.gopark", "\(goroot)/runtime/proc.go", 398),
                    ("runtime.selectgo", "\(goroot)/runtime/select.go", 327),
                    (
                        "github.com/acme/orders/internal/watch.(*OrderWatcher).watch.func1",
                        "/src/internal/watch/watcher.go", 118
                    ),
                ],
                (
                    "github.com/acme/orders/internal/watch.(*OrderWatcher).Subscribe", "/src/internal/watch/watcher.go",
                    97
                )
            ),
            (
                "chan receive",
                [
                    ("runtime.gopark", "\(goroot)/runtime/proc.go", 398),
                    ("runtime.chanrecv", "\(goroot)/runtime/chan.go", 583),
                    ("runtime.chanrecv1", "\(goroot)/runtime/chan.go", 442),
                    ("github.com/acme/orders/internal/rpc.(*Client).awaitReply", "/src/internal/rpc/client.go", 211),
                    ("github.com/acme/orders/internal/rpc.(*Client).Call", "/src/internal/rpc/client.go", 160),
                ],
                ("github.com/acme/orders/internal/api.(*Handler).fanOut", "/src/internal/api/fanout.go", 54)
            ),
            (
                "IO wait",
                [
                    ("internal/poll.runtime_pollWait", "\(goroot)/runtime/netpoll.go", 343),
                    ("internal/poll.(*pollDesc).wait", "\(goroot)/internal/poll/fd_poll_runtime.go", 84),
                    ("internal/poll.(*FD).Read", "\(goroot)/internal/poll/fd_unix.go", 164),
                    ("net.(*netFD).Read", "\(goroot)/net/fd_posix.go", 55),
                    ("net.(*conn).Read", "\(goroot)/net/net.go", 179),
                    ("net/http.(*connReader).Read", "\(goroot)/net/http/server.go", 791),
                    ("bufio.(*Reader).fill", "\(goroot)/bufio/bufio.go", 113),
                    ("net/http.(*conn).serve", "\(goroot)/net/http/server.go", 2044),
                ],
                ("net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3086)
            ),
        ]
        for id in 1...max(1, count) {
            let roll = r.below(100)
            let site = roll < 70 ? sites[0] : roll < 90 ? sites[1] : sites[2]
            let minutes = r.below(40)
            out +=
                "goroutine \(id) [\(site.state)\(minutes > 0 ? ", \(minutes) minutes" : "")\(r.below(200) == 0 ? ", locked to thread" : "")]:\n"
            for (function, file, line) in site.frames {
                out +=
                    "\(function)(0xc000\(String(r.next() % 0xffffff, radix: 16)), 0x\(String(r.below(64), radix: 16)))\n\t\(file):\(line) +0x\(String(r.below(0x400), radix: 16))\n"
            }
            if r.below(50) == 0 { out += "...additional frames elided...\n" }
            out +=
                "created by \(site.creator.0) in goroutine \(1 + r.below(50))\n\t\(site.creator.1):\(site.creator.2) +0x1a8\n\n"
        }
        return Array(out.utf8)
    }

    /// A fleet state of `count` instances with an hour-like history, for render benchmarks.
    static func fleetState(instances count: Int, width: Int, height: Int, now: Double) -> AppState {
        var state = AppState(
            targets: (0..<count).map { Target(name: "svc-\($0)", baseURL: "http://127.0.0.1:\(20000 + $0)") },
            now: now - 120)
        _ = state.reduce(.resized(width: width, height: height), now: now - 120)
        for t in stride(from: now - 120, through: now, by: 1) {
            for id in 0..<count {
                let text =
                    "go_goroutines \(100 + id + Int(t) % 10)\nprocess_resident_memory_bytes \(1e8 + Double(id) * 1e6)\ngo_gc_gomemlimit_bytes 1e9\n"
                    + "http_request_duration_seconds_bucket{le=\"0.1\"} \(Int(t) * 10)\nhttp_request_duration_seconds_bucket{le=\"+Inf\"} \(Int(t) * 11)\nhttp_request_duration_seconds_count \(Int(t) * 11)\n"
                _ = state.reduce(.scrapeCompleted(id, .success(MetricSet.parse(text), duration: 0.002)), now: t)
                _ = state.reduce(
                    .probeCompleted(id, .readiness, ProbeResult(isPassing: true, status: 200, detail: "ok")), now: t)
            }
        }
        return state
    }
}
