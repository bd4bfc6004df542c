/// Seconds since the epoch as UTC text and back, without Foundation's formatters (a `DateFormatter` or
/// `ISO8601DateFormatter` loads ICU's calendar data, megabytes that stay resident in a dashboard left open for
/// hours): "2027-01-15 08:00:00Z" (`separator` " "), RFC 3339's "2027-01-15T08:00:00Z" (`separator` "T",
/// optionally with milliseconds), or the compact "20270115T080000Z" used in file names.
public enum UTCTime {
    /// A moment split into its civil date and time of day, in UTC.
    struct Parts: Equatable {
        var year: Int64
        var month: Int64
        var day: Int64
        var hour: Int64
        var minute: Int64
        var second: Int64
        var millisecond: Int64

        init(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, millisecond: Int64) {
            (self.year, self.month, self.day) = (year, month, day)
            (self.hour, self.minute, self.second, self.millisecond) = (hour, minute, second, millisecond)
        }

        init(_ time: Double) {
            // To the nearest microsecond first, so a time read from milliseconds (1.539 is 1538.9999… ms in
            // binary) keeps its millisecond; then down to the millisecond, as clocks and Foundation do.
            let ms = Int64(((time * 1_000_000).rounded() / 1000).rounded(.down))
            let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let secondOfDay = seconds - days * 86_400
            // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let month = mp < 10 ? mp + 3 : mp - 9
            self.init(
                year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: doy - (153 * mp + 2) / 5 + 1,
                hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60,
                millisecond: ms - seconds * 1000)
        }

        /// Seconds since the epoch (the inverse of Hinnant's algorithm: days from the civil date).
        var time: Double {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + Double(millisecond) / 1000
        }
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let digits = String(v)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    public static func text(_ time: Double, separator: String, milliseconds: Bool = false) -> String {
        let p = Parts(time)
        let fraction = milliseconds ? "." + pad(p.millisecond, 3) : ""
        return "\(p.year)-\(pad(p.month, 2))-\(pad(p.day, 2))\(separator)"
            + "\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2))\(fraction)Z"
    }

    /// "20270115T080000Z" (`separator` "T") or "20270115-080000Z": for file names, sorted by time.
    public static func compact(_ time: Double, separator: String = "T") -> String {
        let p = Parts(time)
        return "\(p.year)\(pad(p.month, 2))\(pad(p.day, 2))\(separator)\(pad(p.hour, 2))\(pad(p.minute, 2))"
            + "\(pad(p.second, 2))Z"
    }

    /// Reads RFC 3339 ("2027-01-15T08:00:00Z", "2027-01-15T08:00:00.250Z", "2027-01-15T09:00:00+01:00"; a space
    /// or a lower-case "t" in place of the "T"); nil for anything else. Fractions are kept to the millisecond.
    public static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[i..<i + width] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += width
            return v
        }
        func expect(_ c: UInt8...) -> Bool {
            guard i < b.count, c.contains(b[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            expect(84, 116, 32), let hour = number(2), expect(58), let minute = number(2), expect(58),
            let second = number(2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var millisecond: Int64 = 0
        if expect(46) {
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { millisecond = millisecond * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millisecond *= 10 }
        }
        var offset: Int64 = 0
        if expect(90, 122) {
            // UTC
        } else if i < b.count, b[i] == 43 || b[i] == 45 {
            let sign: Int64 = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = number(2), expect(58), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let parts = Parts(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
        return parts.time - Double(offset)
    }
}
