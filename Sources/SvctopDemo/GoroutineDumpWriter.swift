/// Writes goroutine dumps in Go's exact text formats: `debug=1` (aggregated, `N @ pcs` records with `#` frame
/// lines) and `debug=2` (per-goroutine tracebacks with states, wait times and `created by ... in goroutine N`).
enum GoroutineDumpWriter {
    struct Frame {
        var function: String
        var file: String
        var line: Int
        /// Argument list template; `P` is replaced by a per-goroutine pointer.
        var arguments: String
        var offset: Int
    }

    struct Site {
        var count: Int
        var state: String
        var waitMinutes: ClosedRange<Int>?
        var frames: [Frame]
        var creator: Frame?
    }

    static let goroot = "/usr/local/go/src"
    static let app = "github.com/acme/orders"
    static let src = "/build/orders"

    static func frame(
        _ function: String, _ file: String, _ line: Int, _ args: String = "...", _ offset: Int = 0x2f
    ) -> Frame {
        Frame(function: function, file: file, line: line, arguments: args, offset: offset)
    }

    static func pollWait(_ mode: String) -> [Frame] {
        [
            frame("internal/poll.runtime_pollWait", "\(goroot)/runtime/netpoll.go", 345, "0x7f3aP, 0x\(mode)", 0x85),
            frame(
                "internal/poll.(*pollDesc).wait", "\(goroot)/internal/poll/fd_poll_runtime.go", 84, "0xcP, 0x72, 0x0",
                0x27),
            frame("internal/poll.(*pollDesc).waitRead", "\(goroot)/internal/poll/fd_poll_runtime.go", 89, "...", 0),
        ]
    }

    static func sites(_ p: GoroutinePopulation) -> [Site] {
        let serve = frame(
            "net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3285, "0xc000196000, {0xa1b2c0, 0xc0001a4000}",
            0x4b4)
        var sites: [Site] = [
            Site(
                count: 1, state: "IO wait", waitMinutes: p.uptimeMinutes > 0 ? p.uptimeMinutes...p.uptimeMinutes : nil,
                frames: pollWait("72") + [
                    frame(
                        "internal/poll.(*FD).Accept", "\(goroot)/internal/poll/fd_unix.go", 611, "0xc0001a2000", 0x2ac),
                    frame("net.(*netFD).accept", "\(goroot)/net/fd_unix.go", 172, "0xc0001a2000", 0x29),
                    frame("net.(*TCPListener).accept", "\(goroot)/net/tcpsock_posix.go", 159, "0xc0001a0040", 0x1e),
                    frame("net.(*TCPListener).Accept", "\(goroot)/net/tcpsock.go", 327, "0xc0001a0040", 0x30),
                    serve,
                    frame(
                        "net/http.(*Server).ListenAndServe", "\(goroot)/net/http/server.go", 3214, "0xc000196000", 0x71),
                    frame("main.main", "\(src)/cmd/orders/main.go", 88, "", 0x4f5),
                ], creator: nil),
            Site(
                count: p.httpConnections, state: "IO wait", waitMinutes: nil,
                frames: pollWait("72") + [
                    frame(
                        "internal/poll.(*FD).Read", "\(goroot)/internal/poll/fd_unix.go", 164,
                        "0xcP, {0xc0001b3000, 0x1000, 0x1000}", 0x27a),
                    frame(
                        "net.(*netFD).Read", "\(goroot)/net/fd_posix.go", 55, "0xcP, {0xc0001b3000, 0x1000, 0x1000}",
                        0x25),
                    frame(
                        "net.(*conn).Read", "\(goroot)/net/net.go", 189, "0xcP, {0xc0001b3000, 0x1000, 0x1000}", 0x45),
                    frame(
                        "net/http.(*connReader).Read", "\(goroot)/net/http/server.go", 798,
                        "0xcP, {0xc0001b3000, 0x1000, 0x1000}", 0x14a),
                    frame("bufio.(*Reader).fill", "\(goroot)/bufio/bufio.go", 110, "0xcP", 0x103),
                    frame("bufio.(*Reader).Peek", "\(goroot)/bufio/bufio.go", 148, "0xcP, 0x4", 0x53),
                    frame(
                        "net/http.(*conn).serve", "\(goroot)/net/http/server.go", 2074,
                        "0xcP, {0xa1c3e8, 0xc0001a6000}", 0x749),
                ], creator: frame("net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3285, "", 0x4b4)),
            Site(
                count: p.workers, state: "chan receive", waitMinutes: nil,
                frames: [
                    frame("runtime.gopark", "\(goroot)/runtime/proc.go", 402, "0xcP?, 0x0?, 0x0?, 0x0?, 0x0?", 0xce),
                    frame("runtime.chanrecv", "\(goroot)/runtime/chan.go", 583, "0xc0000a8060, 0xcP, 0x1", 0x3cd),
                    frame("runtime.chanrecv2", "\(goroot)/runtime/chan.go", 447, "0xcP?, 0xcP?", 0x12),
                    frame(
                        "\(app)/internal/pool.(*WorkerPool).worker", "\(src)/internal/pool/pool.go", 71,
                        "0xc0000b6000, 0xP", 0x8d),
                ],
                creator: frame("\(app)/internal/pool.(*WorkerPool).Start", "\(src)/internal/pool/pool.go", 52, "", 0x6a)
            ),
            Site(
                count: 2, state: "GC worker (idle)", waitMinutes: nil,
                frames: [
                    frame("runtime.gopark", "\(goroot)/runtime/proc.go", 402, "0x0?, 0x0?, 0x0?, 0x0?, 0x0?", 0xce),
                    frame("runtime.gcBgMarkWorker", "\(goroot)/runtime/mgc.go", 1310, "", 0xe5),
                ],
                creator: frame("runtime.gcBgMarkStartWorkers", "\(goroot)/runtime/mgc.go", 1234, "", 0x1c)),
            Site(
                count: 1, state: "select", waitMinutes: nil,
                frames: [
                    frame(
                        "runtime.gopark", "\(goroot)/runtime/proc.go", 402,
                        "0xc000051f28?, 0x2?, 0x0?, 0x0?, 0xc000051e9c?", 0xce),
                    frame(
                        "runtime.selectgo", "\(goroot)/runtime/select.go", 327,
                        "0xc000051f28, 0xc000051e98, 0x0?, 0x0, 0x0?, 0x1", 0x725),
                    frame(
                        "\(app)/internal/metrics.(*Flusher).run", "\(src)/internal/metrics/flush.go", 44,
                        "0xc0000a4180", 0x10d),
                ],
                creator: frame("\(app)/internal/metrics.Start", "\(src)/internal/metrics/flush.go", 31, "", 0x8a)),
            Site(
                count: 1, state: "running", waitMinutes: nil,
                frames: [
                    frame(
                        "runtime/pprof.writeGoroutineStacks", "\(goroot)/runtime/pprof/pprof.go", 761,
                        "{0xa15f40, 0xc0003a8000}", 0x6a),
                    frame(
                        "runtime/pprof.writeGoroutine", "\(goroot)/runtime/pprof/pprof.go", 750,
                        "{0xa15f40?, 0xc0003a8000?}, 0x0?", 0x25),
                    frame(
                        "runtime/pprof.(*Profile).WriteTo", "\(goroot)/runtime/pprof/pprof.go", 374,
                        "0x9b1e20?, {0xa15f40?, 0xc0003a8000?}, 0xc?", 0x14b),
                    frame(
                        "net/http/pprof.handler.ServeHTTP", "\(goroot)/net/http/pprof/pprof.go", 272,
                        "{0xc0003b4011, 0x9}, {0xa1bf78, 0xc0003a8000}, 0xc0003a6000?", 0x4a5),
                    frame(
                        "net/http.(*conn).serve", "\(goroot)/net/http/server.go", 2166,
                        "0xc0003a2000, {0xa1c3e8, 0xc0001a6000}", 0x8b5),
                ],
                creator: frame("net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3285, "", 0x4b4)),
        ]
        if p.queued > 0 {
            sites.append(
                Site(
                    count: p.queued, state: "chan send", waitMinutes: nil,
                    frames: [
                        frame(
                            "runtime.gopark", "\(goroot)/runtime/proc.go", 402, "0xcP?, 0x0?, 0x0?, 0x0?, 0x0?", 0xce),
                        frame(
                            "runtime.chansend", "\(goroot)/runtime/chan.go", 259, "0xc0000a8060, 0xcP, 0x1, 0xcP?",
                            0x3a5),
                        frame("runtime.chansend1", "\(goroot)/runtime/chan.go", 145, "0xcP?, 0xcP?", 0x17),
                        frame(
                            "\(app)/internal/pool.(*WorkerPool).Submit", "\(src)/internal/pool/pool.go", 88,
                            "0xc0000b6000, {0xa1a0e0, 0xcP}", 0x4c),
                        frame(
                            "\(app)/internal/api.(*Handler).CreateOrder", "\(src)/internal/api/orders.go", 141,
                            "0xc0000c2000, {0xa1bf78, 0xcP}, 0xcP", 0x2d1),
                        frame(
                            "net/http.HandlerFunc.ServeHTTP", "\(goroot)/net/http/server.go", 2171,
                            "0xcP?, {0xa1bf78?, 0xcP?}, 0xcP?", 0x29),
                        frame(
                            "net/http.(*conn).serve", "\(goroot)/net/http/server.go", 2166,
                            "0xcP, {0xa1c3e8, 0xc0001a6000}", 0x8b5),
                    ],
                    creator: frame("net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3285, "", 0x4b4)))
        }
        if p.dbWaiters > 0 {
            sites.append(
                Site(
                    count: p.dbWaiters, state: "select", waitMinutes: nil,
                    frames: [
                        frame(
                            "runtime.gopark", "\(goroot)/runtime/proc.go", 402, "0xcP?, 0x2?, 0x0?, 0x0?, 0xcP?", 0xce),
                        frame(
                            "runtime.selectgo", "\(goroot)/runtime/select.go", 327, "0xcP, 0xcP, 0x0?, 0x0, 0x0?, 0x1",
                            0x725),
                        frame(
                            "database/sql.(*DB).conn", "\(goroot)/database/sql/sql.go", 1324,
                            "0xc0001c8000, {0xa1c3b0, 0xcP}, 0x1", 0x63b),
                        frame(
                            "database/sql.(*DB).query", "\(goroot)/database/sql/sql.go", 1721,
                            "0xc0001c8000, {0xa1c3b0, 0xcP}, {0x9c0e2a, 0x2f}, {0xcP, 0x1, 0x1}, 0x0?", 0x57),
                        frame(
                            "\(app)/internal/store.(*Store).GetOrder", "\(src)/internal/store/orders.go", 63,
                            "0xc0001ca000, {0xa1c3b0, 0xcP}, 0x3f2a1", 0x1b0),
                        frame(
                            "\(app)/internal/api.(*Handler).GetOrder", "\(src)/internal/api/orders.go", 97,
                            "0xc0000c2000, {0xa1bf78, 0xcP}, 0xcP", 0x11e),
                    ],
                    creator: frame("net/http.(*Server).Serve", "\(goroot)/net/http/server.go", 3285, "", 0x4b4)))
        }
        if p.leaked > 0 {
            sites.append(
                Site(
                    count: p.leaked, state: "select", waitMinutes: 0...max(0, p.leakMinutes),
                    frames: [
                        frame(
                            "runtime.gopark", "\(goroot)/runtime/proc.go", 402, "0xcP?, 0x2?, 0x0?, 0x0?, 0xcP?", 0xce),
                        frame(
                            "runtime.selectgo", "\(goroot)/runtime/select.go", 327, "0xcP, 0xcP, 0x0?, 0x0, 0x0?, 0x1",
                            0x725),
                        frame(
                            "\(app)/internal/watch.(*OrderWatcher).watch.func1", "\(src)/internal/watch/watcher.go",
                            118, "", 0x1c5),
                    ],
                    creator: frame(
                        "\(app)/internal/watch.(*OrderWatcher).Subscribe", "\(src)/internal/watch/watcher.go", 97, "",
                        0x1a8)))
        }
        return sites.filter { $0.count > 0 }
    }

    static func dump(_ population: GoroutinePopulation, debugLevel: Int, seed: UInt64) -> String {
        let all = sites(population)
        var random = DemoRandom(seed: seed)
        if debugLevel == 1 {
            let total = all.reduce(0) { $0 + $1.count }
            var out = "goroutine profile: total \(total)\n"
            for site in all.sorted(by: { $0.count > $1.count }) {
                let pcs = site.frames.map { pc($0) } + [0x46_bf21]
                out += "\(site.count) @ " + pcs.map { "0x" + String($0, radix: 16) }.joined(separator: " ") + "\n"
                for f in site.frames {
                    out +=
                        "#\t0x\(String(pc(f) - 1, radix: 16))\t\(f.function)+0x\(String(f.offset, radix: 16))\t\(f.file):\(f.line)\n"
                }
                out += "\n"
            }
            return out
        }
        var out = ""
        out.reserveCapacity(all.reduce(0) { $0 + $1.count } * 400)
        var nextID = 1
        var creatorGoroutine = 1
        for site in all {
            for k in 0..<site.count {
                let id = nextID
                nextID += site.count > 100 ? Int(random.next() % 3) + 1 : 1
                var state = site.state
                if let wait = site.waitMinutes {
                    let minutes =
                        wait.lowerBound
                        + Int(Double(wait.upperBound - wait.lowerBound) * Double(k) / Double(max(1, site.count - 1)))
                    if minutes > 0 { state += ", \(minutes) minutes" }
                }
                if id == 1 {
                    state =
                        site.state
                        + (site.waitMinutes.map { $0.upperBound > 0 ? ", \($0.upperBound) minutes" : "" } ?? "")
                }
                out += "goroutine \(id) [\(state)]:\n"
                for f in site.frames {
                    let pointer = String(0x000100000 + random.next() % 0xfffff0, radix: 16)
                    let args = f.arguments.replacingPointer(with: pointer)
                    out += "\(f.function)(\(args))\n\t\(f.file):\(f.line)"
                    out += f.offset > 0 ? " +0x\(String(f.offset, radix: 16))\n" : "\n"
                }
                if let c = site.creator {
                    out +=
                        "created by \(c.function) in goroutine \(creatorGoroutine)\n\t\(c.file):\(c.line) +0x\(String(c.offset, radix: 16))\n"
                }
                out += "\n"
            }
            creatorGoroutine = min(nextID - 1, creatorGoroutine + 7)
        }
        return out
    }

    static func pc(_ f: Frame) -> Int {
        var h: UInt64 = 1469598103934665603
        for b in (f.function + String(f.line)).utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return 0x40_0000 + Int(h % 0x60_0000)
    }
}

extension String {
    /// Replaces each `P` that follows `0x`-style hex text (the pointer placeholder) with `pointer`.
    func replacingPointer(with pointer: String) -> String {
        var out = ""
        var previous: Character = " "
        for c in self {
            if c == "P" && (previous == "c" || previous == "a") {
                out += pointer
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }
}
