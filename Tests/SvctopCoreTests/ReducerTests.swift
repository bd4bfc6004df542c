import Testing
@testable import SvctopCore

/// Replays events into the reducer and compares the effects and state.
@Suite("reducer")
struct ReducerTests {
    static func targets(_ n: Int) -> [Target] {
        (0..<n).map { Target(name: "api-\($0)", baseURL: "http://127.0.0.1:\(9000 + $0)") }
    }

    static func metrics(goroutines: Double, inflight: Double = 0) -> MetricSet {
        MetricSet.parse(
            "go_goroutines \(goroutines)\nhttp_requests_in_flight \(inflight)\nprocess_resident_memory_bytes 1000\ngo_gc_gomemlimit_bytes 4000\n"
        )
    }

    static func ready(_ state: inout AppState, _ ids: [InstanceID], now: Double) {
        for id in ids {
            _ = state.reduce(
                .scrapeCompleted(id, .success(metrics(goroutines: 10, inflight: 3), duration: 0.01)), now: now)
            _ = state.reduce(
                .probeCompleted(id, .liveness, ProbeResult(isPassing: true, status: 200, detail: "ok")), now: now)
            _ = state.reduce(
                .probeCompleted(id, .readiness, ProbeResult(isPassing: true, status: 200, detail: "ok")), now: now)
        }
    }

    @Test("q quits from the fleet; from a sub-view it goes back")
    func quit() {
        var s = AppState(targets: Self.targets(2), now: 0)
        #expect(s.reduce(.keyPressed(.enter), now: 1) == [])
        #expect(s.view == .instance(0))
        #expect(s.reduce(.keyPressed(.char("q")), now: 2) == [])
        #expect(s.view == .fleet)
        #expect(s.reduce(.keyPressed(.char("q")), now: 3) == [.quit])
    }

    @Test("j/k and arrows move the selection through the sorted, filtered rows")
    func movement() {
        var s = AppState(targets: Self.targets(3), now: 0)
        s.sort = .name
        _ = s.reduce(.keyPressed(.char("j")), now: 1)
        _ = s.reduce(.keyPressed(.down), now: 1)
        #expect(s.selected == 2)
        _ = s.reduce(.keyPressed(.up), now: 1)
        #expect(s.selected == 1)
        for c in "/api-2" { _ = s.reduce(.keyPressed(c == "/" ? .char("/") : .char(c)), now: 1) }
        _ = s.reduce(.keyPressed(.enter), now: 1)
        #expect(s.visibleInstances() == [2])
        #expect(s.selected == 2)
        _ = s.reduce(.keyPressed(.char("/")), now: 1)
        _ = s.reduce(.keyPressed(.escape), now: 1)
        #expect(s.visibleInstances().count == 3)
    }

    @Test("read-only mode has no mutating key and dispatches none")
    func readOnly() {
        var settings = Settings()
        settings.isReadOnly = true
        var s = AppState(targets: Self.targets(2), settings: settings, now: 0)
        Self.ready(&s, [0, 1], now: 1)
        #expect(!s.keyMap.bindings.contains { $0.action.isMutating })
        for key in [Key.char("D"), .char("U"), .char("l"), .char("L")] {
            #expect(s.reduce(.keyPressed(key), now: 2) == [])
            #expect(s.dialog == nil)
        }
    }

    @Test("the first key of an action is the table's first in that context, and follows a rebinding")
    func firstKeyOfAction() {
        var map = KeyMap.standard
        #expect(map.key(for: .moveUp, in: .fleet) == .char("k"))
        #expect(map.key(for: .open, in: .pprof) == nil)
        #expect(map.key(for: .peek) == .enter)
        map.rebind(.fetchDump, to: [.char("x"), .char("X")])
        #expect(map.key(for: .fetchDump, in: .instance) == .char("x"))
        #expect(map.keys(for: .fetchDump, in: .fleet) == [.char("x"), .char("X")])
        #expect(map.key(for: .fetchDump, in: .dump) == nil)
    }

    @Test("a failed scrape marks the instance down with its reason; a later success recovers it")
    func downAndRecover() {
        var s = AppState(targets: Self.targets(1), now: 0)
        _ = s.reduce(.scrapeCompleted(0, .failure(.refused, duration: 0.001)), now: 1)
        #expect(s.instances[0].status == .down(.refused))
        #expect(s.instances[0].assess(now: 1, settings: s.settings).severity == .down)
        _ = s.reduce(.scrapeCompleted(0, .success(Self.metrics(goroutines: 5), duration: 0.01)), now: 2)
        #expect(s.instances[0].status == .up)
        #expect(s.instances[0].reading?.goroutines == 5)
        #expect(!s.instances[0].isStale(now: 2.5, settings: s.settings))
        #expect(s.instances[0].isStale(now: 10, settings: s.settings))
    }

    @Test("a steadily rising goroutine count is flagged as a possible leak")
    func leak() {
        var s = AppState(targets: Self.targets(1), now: 0)
        for t in 0..<120 {
            _ = s.reduce(
                .scrapeCompleted(0, .success(Self.metrics(goroutines: 100 + Double(t) * 0.5), duration: 0.01)),
                now: Double(t))
        }
        #expect(s.instances[0].isLeakSuspected)
        #expect(abs(s.instances[0].goroutineTrend!.slopePerMinute - 30) < 0.01)
        var flat = AppState(targets: Self.targets(1), now: 0)
        for t in 0..<120 {
            _ = flat.reduce(
                .scrapeCompleted(0, .success(Self.metrics(goroutines: 100 + Double(t % 7)), duration: 0.01)),
                now: Double(t))
        }
        #expect(!flat.instances[0].isLeakSuspected)
    }

    @Test("fleet sorting: severity first by default, then any column, reversible")
    func sorting() {
        var s = AppState(targets: Self.targets(3), now: 0)
        _ = s.reduce(.scrapeCompleted(0, .success(Self.metrics(goroutines: 50), duration: 0.01)), now: 1)
        _ = s.reduce(.scrapeCompleted(1, .failure(.timeout, duration: 0.8)), now: 1)
        _ = s.reduce(.scrapeCompleted(2, .success(Self.metrics(goroutines: 500), duration: 0.01)), now: 1)
        #expect(s.visibleInstances().first == 1)
        _ = s.reduce(.keyPressed(.char("s")), now: 2)
        _ = s.reduce(.keyPressed(.char("s")), now: 2)
        #expect(s.sort == .goroutines)
        #expect(s.visibleInstances() == [2, 0, 1])
        _ = s.reduce(.keyPressed(.char("S")), now: 2)
        #expect(s.visibleInstances() == [0, 2, 1])
    }
}
