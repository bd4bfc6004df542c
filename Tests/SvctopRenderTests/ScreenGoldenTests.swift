import Foundation
import Testing
@testable import SvctopCore
@testable import SvctopRender

/// Whole screens rendered from recorded states, compared as text with files in Goldens/.
/// Regenerate with `SVCTOP_UPDATE_GOLDENS=1 swift test --filter ScreenGoldenTests` and review the diff.
@Suite("screen goldens")
struct ScreenGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static let t0 = 1_700_000_000.0

    /// A fleet that went through two minutes of scrapes: healthy, leaking, saturated, down, draining.
    static func recordedState(width: Int, height: Int) -> AppState {
        let names = ["checkout-a", "checkout-b", "orders-a", "orders-b", "payments-a"]
        var s = AppState(
            targets: names.enumerated().map {
                Target(name: $0.element, baseURL: "http://127.0.0.1:\(9100 + $0.offset)")
            }, now: t0)
        _ = s.reduce(.resized(width: width, height: height), now: t0)
        for step in 0...120 {
            let t = t0 + Double(step)
            for id in 0..<4 {
                if id == 3 && step > 60 {
                    _ = s.reduce(.scrapeCompleted(id, .failure(.refused, duration: 0.001)), now: t)
                    continue
                }
                let goroutines = id == 1 ? 200 + Double(step) * 3 : 80 + Double(step % 5)
                let memory = id == 1 ? 300e6 + Double(step) * 1.5e6 : 120e6
                let busy = id == 2 ? 32 : 4
                let requests = Double(step) * 100
                let slow = id == 2 ? 0.2 : 0.02
                let errors = id == 2 ? Double(step) * 8 : Double(step) / 10
                let text = """
                    go_goroutines \(goroutines)
                    go_threads 9
                    process_resident_memory_bytes \(memory)
                    go_memstats_heap_inuse_bytes \(memory * 0.6)
                    go_gc_gomemlimit_bytes 536870912
                    http_requests_in_flight \(id == 2 ? 40 : 3)
                    workerpool_workers_busy \(busy)
                    workerpool_workers_max 32
                    workerpool_queue_depth \(id == 2 ? 200 : 0)
                    workerpool_queue_capacity 200
                    workerpool_rejected_total \(id == 2 ? Double(step) * 5 : 0)
                    go_sql_in_use_connections 5
                    go_sql_max_open_connections 20
                    go_gc_duration_seconds{quantile="0.5"} 0.00004
                    go_gc_duration_seconds{quantile="1"} 0.0003
                    go_gc_duration_seconds_count \(step * 2)
                    http_request_duration_seconds_bucket{handler="/api/orders",code="200",le="\(slow)"} \(requests * 0.9)
                    http_request_duration_seconds_bucket{handler="/api/orders",code="200",le="1"} \(requests)
                    http_request_duration_seconds_bucket{handler="/api/orders",code="200",le="+Inf"} \(requests)
                    http_request_duration_seconds_count{handler="/api/orders",code="200"} \(requests)
                    http_request_duration_seconds_count{handler="/api/orders",code="500"} \(errors)

                    """
                _ = s.reduce(.scrapeCompleted(id, .success(MetricSet.parse(text), duration: 0.003)), now: t)
                _ = s.reduce(
                    .probeCompleted(id, .liveness, ProbeResult(isPassing: true, status: 200, detail: "ok")), now: t)
                let draining = id == 0 && step > 100
                _ = s.reduce(
                    .probeCompleted(
                        id, .readiness,
                        draining
                            ? ProbeResult(isPassing: false, status: 503, detail: "draining")
                            : ProbeResult(isPassing: true, status: 200, detail: "ok")), now: t)
                _ = s.reduce(.logLevelRead(id, level: id == 1 ? "debug" : "info", error: nil), now: t)
            }
        }
        _ = s.reduce(.ticked, now: t0 + 120.5)
        return s
    }

    static func check(_ name: String, _ buffer: ScreenBuffer) throws {
        let url = directory.appendingPathComponent("\(name).txt")
        let text = buffer.text + "\n"
        if ProcessInfo.processInfo.environment["SVCTOP_UPDATE_GOLDENS"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            text == expected,
            "screen \(name) differs from \(url.path); rerun with SVCTOP_UPDATE_GOLDENS=1 to accept:\n\(text)")
    }

    @Test("fleet, instance, dump, help and dialogs at 80x24 and 120x40", arguments: [(80, 24), (120, 40)])
    func screens(width: Int, height: Int) throws {
        let renderer = Renderer(theme: .dark, glyphs: .unicode)
        var s = Self.recordedState(width: width, height: height)
        let size = "\(width)x\(height)"
        try Self.check("fleet-\(size)", renderer.render(s))
        // The leak is flagged and the down instance is first.
        let fleet = renderer.render(s).text
        #expect(fleet.contains("orders-b"))
        #expect(s.visibleInstances().first == 3)

        s.selected = 1
        _ = s.reduce(.keyPressed(.enter), now: Self.t0 + 121)
        try Self.check("instance-leak-\(size)", renderer.render(s))
        #expect(renderer.render(s).text.contains("possible leak"))
        #expect(renderer.render(s).text.contains("OOM in ~"))

        _ = s.reduce(.keyPressed(.char("h")), now: Self.t0 + 121)
        try Self.check("instance-handlers-\(size)", renderer.render(s))
        _ = s.reduce(.keyPressed(.escape), now: Self.t0 + 121)

        s.selected = 2
        _ = s.reduce(.keyPressed(.char("D")), now: Self.t0 + 122)
        try Self.check("dialog-drain-\(size)", renderer.render(s))
        _ = s.reduce(.keyPressed(.escape), now: Self.t0 + 122)

        let dump = GoroutineDumpParser.parse(
            """
            goroutine 1 [select, 3 minutes]:
            main.leak(0xc000010000)
            \t/app/leak.go:10 +0x1
            created by main.main in goroutine 1
            \t/app/main.go:5 +0x1

            goroutine 2 [select, 5 minutes]:
            main.leak(0xc000010001)
            \t/app/leak.go:10 +0x1
            created by main.main in goroutine 1
            \t/app/main.go:5 +0x1

            goroutine 3 [IO wait]:
            internal/poll.runtime_pollWait(0x7f, 0x72)
            \t/usr/local/go/src/runtime/netpoll.go:345 +0x85
            net/http.(*conn).serve(0xc0001)
            \t/usr/local/go/src/net/http/server.go:2074 +0x749
            created by net/http.(*Server).Serve in goroutine 1
            \t/usr/local/go/src/net/http/server.go:3285 +0x4b4

            """)
        _ = s.reduce(.dumpLoaded(1, debugLevel: 2, raw: [], dump: dump, fetchedAt: Self.t0 + 123), now: Self.t0 + 124)
        _ = s.reduce(.keyPressed(.enter), now: Self.t0 + 124)
        try Self.check("dump-\(size)", renderer.render(s))
        _ = s.reduce(.keyPressed(.escape), now: Self.t0 + 124)

        _ = s.reduce(.keyPressed(.char("?")), now: Self.t0 + 125)
        try Self.check("help-\(size)", renderer.render(s))
    }

    @Test("below 80x24 a clear message replaces the layout, at any size down to 1x1")
    func tooSmall() throws {
        let renderer = Renderer()
        var s = Self.recordedState(width: 60, height: 15)
        try Self.check("too-small-60x15", renderer.render(s))
        #expect(renderer.render(s).text.contains("terminal too small"))
        for (w, h) in [(20, 5), (1, 1), (79, 24), (80, 23)] {
            _ = s.reduce(.resized(width: w, height: h), now: Self.t0 + 130)
            let b = renderer.render(s)
            #expect(b.width == w && b.height == h)
        }
    }

    @Test("monochrome and ASCII render the same information without colors or Unicode")
    func monochromeASCII() throws {
        let s = Self.recordedState(width: 120, height: 40)
        let b = Renderer(theme: .monochrome, glyphs: .ascii).render(s)
        try Self.check("fleet-ascii-monochrome-120x40", b)
        #expect(b.text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(
            b.cells.allSatisfy { $0.style.foreground == .terminalDefault && $0.style.background == .terminalDefault })
    }
}
