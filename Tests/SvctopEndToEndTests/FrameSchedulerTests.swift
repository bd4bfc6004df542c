import Testing

import SvctopCore

@testable import svctop

@Suite("frame scheduling: keys at once, data coalesced, at most 4 frames a second at a 1 s interval")
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
        "a quarter of the scrape interval, 4 frames a second at 1 s whatever the fleet, 20 only for a fast small one",
        arguments: [
            (1, 1.0, 0.25), (10, 1.0, 0.25), (200, 1.0, 0.25), (1000, 1.0, 0.25), (5000, 1.0, 0.25),
            (10, 0.5, 0.125), (10, 0.2, 0.05), (10, 0.05, 0.05), (500, 0.2, 0.125), (1000, 0.2, 0.25),
            (10, 30.0, 0.25),
        ])
    func interval(targets: Int, scrapeInterval: Double, expected: Double) {
        #expect(FrameScheduler.interval(forTargets: targets, scrapeInterval: scrapeInterval) == expected)
    }
}

@Suite("scrape mailbox")
struct ScrapeMailboxTests {
    static func scrape(_ id: InstanceID, _ duration: Double) -> Event {
        .scrapeCompleted(id, .failure(.timeout, duration: duration))
    }

    @Test("a loop that falls behind gets the newest scrape of each instance, every other event in order, one wake-up")
    func coalesces() {
        let box = ScrapeMailbox()
        #expect(box.put([Self.scrape(1, 0.1), Self.scrape(2, 0.1)]))
        #expect(!box.put([.logLevelRead(1, level: "info", error: nil), Self.scrape(1, 0.2)]))
        #expect(!box.put([Self.scrape(1, 0.3), .logLevelRead(2, level: "warn", error: nil)]))
        let taken = box.take()
        let described = taken.map { event -> String in
            switch event {
            case .scrapeCompleted(let id, .failure(_, let duration)): return "scrape \(id) \(duration)"
            case .logLevelRead(let id, let level, _): return "level \(id) \(level ?? "-")"
            default: return "other"
            }
        }
        #expect(described == ["level 1 info", "level 2 warn", "scrape 1 0.3", "scrape 2 0.1"])
        #expect(box.replacedCount == 2)
        #expect(box.take().isEmpty)
        // Taken: the next put wakes the loop again.
        #expect(box.put([Self.scrape(3, 0.1)]))
    }
}
