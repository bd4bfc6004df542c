import Foundation
import Testing

@testable import SvctopCore

/// UTC text without Foundation's formatters (which load ICU's calendar data into a long-running dashboard).
@Suite("UTC time text")
struct UTCTimeTests {
    @Test("formats agree with Foundation's ISO 8601 formatter, to the millisecond, across leap years and eras")
    func agreesWithFoundation() {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SystemRandomNumberGenerator()
        var times: [Double] = [0, 0.001, 951_782_400, 951_868_799.999, 4_107_542_400, 1_796_277_480.25, -1, -86_400.5]
        for _ in 0..<2000 {
            times.append(Double(Int64.random(in: -2_000_000_000_000...8_000_000_000_000, using: &rng)) / 1000)
        }
        for t in times {
            let ours = UTCTime.text(t, separator: "T", milliseconds: true)
            #expect(ours == iso.string(from: Date(timeIntervalSince1970: t)), "\(t)")
            let back = UTCTime.parse(ours)
            #expect(
                back.map { abs($0 - (t * 1000).rounded() / 1000) < 1e-6 } == true,
                "\(ours) -> \(String(describing: back))")
        }
    }

    @Test("compact stamps for file names, seconds text, and RFC 3339 with offsets")
    func stampsAndOffsets() {
        #expect(UTCTime.compact(1_800_000_000) == "20270115T080000Z")
        #expect(UTCTime.compact(1_800_000_000.9, separator: "-") == "20270115-080000Z")
        #expect(UTCTime.text(1_800_000_000, separator: " ") == "2027-01-15 08:00:00Z")
        #expect(UTCTime.text(1_800_000_000.05, separator: "T", milliseconds: true) == "2027-01-15T08:00:00.050Z")
        #expect(UTCTime.parse("2027-01-15T08:00:00Z") == 1_800_000_000)
        #expect(UTCTime.parse("2027-01-15 08:00:00z") == 1_800_000_000)
        #expect(UTCTime.parse("2027-01-15T09:30:00+01:30") == 1_800_000_000)
        #expect(UTCTime.parse("2027-01-15T03:00:00-05:00") == 1_800_000_000)
        #expect(UTCTime.parse("2027-01-15T08:00:00.5Z") == 1_800_000_000.5)
        #expect(UTCTime.parse("2027-01-15T08:00:00.123456789Z") == 1_800_000_000.123)
        for bad in [
            "", "2027-01-15", "2027-01-15T08:00:00", "2027-13-15T08:00:00Z", "2027-01-15T24:00:00Z",
            "2027-01-15T08:00:00.Z", "2027-01-15T08:00:00Zjunk", "2027-1-15T08:00:00Z", "2027-01-15T08:00:00+0100",
        ] {
            #expect(UTCTime.parse(bad) == nil, "\(bad)")
        }
    }
}
