import Testing

@testable import SvctopCore

/// The drain room (App/Drain/): confirmation, guard rail, progress.
@Suite("drain room")
struct DrainTests {
    @Test("drain needs an explicit y: Enter, Esc or another key sends nothing and is journaled as cancelled")
    func drainConfirmation() {
        var s = AppState(targets: ReducerTests.targets(3), now: 0)
        ReducerTests.ready(&s, [0, 1, 2], now: 1)
        for key in [Key.enter, .escape, .char("n"), .char("Y")] {
            #expect(s.reduce(.keyPressed(.char("D")), now: 2) == [])
            #expect(s.dialog?.kind == .drain([0]))
            #expect(s.reduce(.keyPressed(key), now: 2) == [.recordRefusal(0, action: .drain, refusal: .cancelled)])
            #expect(s.dialog == nil)
        }
        _ = s.reduce(.keyPressed(.char("D")), now: 3)
        #expect(s.reduce(.keyPressed(.char("y")), now: 3) == [.drain(0, override: false)])
        #expect(s.instances[0].drain?.phase == .requested)
    }

    @Test("drain progress follows acceptance, readiness, in-flight; times out when stuck")
    func drainProgress() {
        var s = AppState(targets: ReducerTests.targets(4), now: 0)
        ReducerTests.ready(&s, [0, 1, 2, 3], now: 1)
        _ = s.reduce(.keyPressed(.char("D")), now: 2)
        _ = s.reduce(.keyPressed(.char("y")), now: 2)
        _ = s.reduce(.actionCompleted(0, .drain, .succeeded(status: 202, body: "{}")), now: 2.1)
        #expect(s.instances[0].drain?.phase == .accepted)
        _ = s.reduce(
            .probeCompleted(0, .readiness, ProbeResult(isPassing: false, status: 503, detail: "draining")), now: 3)
        #expect(s.instances[0].drain?.phase == .readinessFailing)
        #expect(s.instances[0].health.isDraining)
        _ = s.reduce(
            .scrapeCompleted(0, .success(ReducerTests.metrics(goroutines: 10, inflight: 1), duration: 0.01)), now: 4)
        #expect(s.instances[0].drain?.phase == .inflightFalling)
        _ = s.reduce(
            .scrapeCompleted(0, .success(ReducerTests.metrics(goroutines: 10, inflight: 0), duration: 0.01)), now: 5)
        #expect(s.instances[0].drain?.phase == .drained)

        // Another instance that never stops serving times out.
        let id = 1
        s.selected = id
        _ = s.reduce(.keyPressed(.char("D")), now: 6)
        _ = s.reduce(.keyPressed(.char("y")), now: 6)
        _ = s.reduce(.actionCompleted(id, .drain, .succeeded(status: 202, body: "")), now: 6)
        _ = s.reduce(.ticked, now: 6 + s.settings.drainTimeout + 1)
        #expect(s.instances[id].drain?.phase == .timedOut)
    }

    @Test("draining the last ready instance is refused unless overridden with O")
    func guardRail() {
        var s = AppState(targets: ReducerTests.targets(1), now: 0)
        ReducerTests.ready(&s, [0], now: 1)
        _ = s.reduce(.keyPressed(.char("D")), now: 2)
        #expect(s.dialog?.guardRefusal != nil)
        // y alone does not drain through a guard rail.
        let refused = s.reduce(.keyPressed(.char("y")), now: 2)
        #expect(refused.count == 1)
        guard case .recordRefusal(0, .drain, .guardRail(let reason)) = refused[0] else {
            Issue.record("expected a guard-rail refusal, got \(refused)")
            return
        }
        #expect(reason.contains("no ready instance"))
        _ = s.reduce(.keyPressed(.char("D")), now: 3)
        #expect(s.reduce(.keyPressed(.char("O")), now: 3) == [])
        #expect(s.dialog?.isOverridden == true)
        #expect(s.reduce(.keyPressed(.char("y")), now: 3) == [.drain(0, override: true)])
    }
}
