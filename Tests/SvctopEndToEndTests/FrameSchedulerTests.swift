import Testing

@testable import svctop

@Suite("frame scheduling: keys at once, data coalesced, slower for large fleets")
struct FrameSchedulerTests {
    @Test("a key draws at once; data within the interval waits for one scheduled frame; nothing new draws nothing")
    func coalescing() {
        var f = FrameScheduler()
        f.interval = 0.25
        #expect(f.decide(.data, now: 10) == .draw)
        #expect(f.decide(.data, now: 10.05) == .schedule)
        #expect(f.decide(.data, now: 10.1) == .wait, "one frame scheduled, not two")
        #expect(f.decide(.urgent, now: 10.12) == .draw, "a key does not wait for the frame")
        #expect(f.decide(.frame, now: 10.3) == .wait, "drawn by the key already")
        #expect(f.decide(.none, now: 11) == .wait)
    }

    @Test(
        "the interval grows with the fleet: 20 frames a second for hundreds, 4 from a thousand",
        arguments: [(1, 0.05), (200, 0.05), (500, 0.125), (1000, 0.25), (5000, 0.25)])
    func interval(targets: Int, expected: Double) {
        #expect(FrameScheduler.interval(forTargets: targets) == expected)
    }
}
