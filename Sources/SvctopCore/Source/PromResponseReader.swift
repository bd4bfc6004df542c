/// Reads the query API's JSON (`/api/v1/query`, `/api/v1/query_range`) straight into `PromResponse`: series with
/// their labels and points, no general JSON tree in between. A fleet's answer is tens of thousands of series a
/// refresh; building `[String: Any]` for each cost more than everything else svctop does with them.
///
/// Unknown keys are skipped whatever they hold (native-histogram points among them); nesting deeper than 64 and
/// anything that is not JSON are errors, never a crash.
public enum PromResponseReader {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    public static func read(_ bytes: [UInt8]) throws(Failure) -> PromResponse {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var cursor = Cursor(bytes: buffer)
                let response = try cursor.response()
                cursor.whitespace()
                guard cursor.i == buffer.count else { throw cursor.fail("unexpected data after the answer") }
                return response
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(offset: 0, reason: "\(error)")
        }
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String) -> Failure { Failure(offset: i, reason: reason) }

        mutating func whitespace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 {
                i += 1
            }
        }

        mutating func peek() -> UInt8? {
            whitespace()
            return i < bytes.count ? bytes[i] : nil
        }

        mutating func expect(_ c: Character) throws(Failure) {
            guard peek() == c.asciiValue else { throw fail("expected '\(c)'") }
            i += 1
        }

        /// Calls `body` with each key of an object, the cursor on its value; `body` must read or skip it.
        mutating func object(_ body: (inout Cursor, String) throws(Failure) -> Void) throws(Failure) {
            try expect("{")
            if peek() == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                let key = try string()
                try expect(":")
                try body(&self, key)
                switch peek() {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "}"):
                    i += 1
                    return
                default: throw fail("expected ',' or '}'")
                }
            }
        }

        /// Calls `body` with the cursor on each element of an array.
        mutating func array(_ body: (inout Cursor) throws(Failure) -> Void) throws(Failure) {
            try expect("[")
            if peek() == UInt8(ascii: "]") {
                i += 1
                return
            }
            while true {
                try body(&self)
                switch peek() {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "]"):
                    i += 1
                    return
                default: throw fail("expected ',' or ']'")
                }
            }
        }

        /// The bytes of a string without escapes (its range), or nil when it has escapes (read it with `string`).
        mutating func plainString() throws(Failure) -> Range<Int>? {
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
            let start = i + 1
            var j = start
            while j < bytes.count {
                let c = bytes[j]
                if c == UInt8(ascii: "\"") {
                    i = j + 1
                    return start..<j
                }
                if c == UInt8(ascii: "\\") { return nil }
                if c < 0x20 { throw Failure(offset: j, reason: "control character in a string") }
                j += 1
            }
            throw Failure(offset: j, reason: "unterminated string")
        }

        mutating func string() throws(Failure) -> String {
            let start = i
            if let range = try plainString() {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            i = start
            whitespace()
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard i < bytes.count else { break }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0c)
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "r"): out.append(0x0d)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                            bytes[i + 1] == UInt8(ascii: "u")
                        {
                            i += 2
                            let low = try hex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            }
                        }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
                    default:
                        throw fail("invalid escape")
                    }
                default:
                    if c < 0x20 { throw fail("control character in a string") }
                    out.append(c)
                }
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i] | 0x20
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                default: throw fail("invalid \\u escape")
                }
                v = v * 16 + UInt32(digit)
                i += 1
            }
            return v
        }

        mutating func number() throws(Failure) -> Double {
            whitespace()
            let start = i
            while i < bytes.count {
                let c = bytes[i]
                guard
                    (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
                        || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                        || c == UInt8(ascii: "E")
                else { break }
                i += 1
            }
            guard i > start, let v = FloatParser.parse(bytes, start..<i) else { throw fail("expected a number") }
            return v
        }

        /// Skips any value.
        mutating func skip(depth: Int = 0) throws(Failure) {
            guard depth < 64 else { throw fail("nested too deeply") }
            switch peek() {
            case UInt8(ascii: "{"): try object { (c, _) throws(Failure) in try c.skip(depth: depth + 1) }
            case UInt8(ascii: "["): try array { (c) throws(Failure) in try c.skip(depth: depth + 1) }
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for word in ["true", "false", "null"] where matches(word) {
                    i += word.utf8.count
                    return
                }
                throw fail("unexpected word")
            case nil: throw fail("unexpected end")
            default: _ = try number()
            }
        }

        func matches(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count else { return false }
            for (k, c) in w.enumerated() where bytes[i + k] != c { return false }
            return true
        }

        /// `[1712345678.123, "42"]`: a time and a value written as a string ("NaN", "+Inf" included).
        mutating func point() throws(Failure) -> TimeSeries.Point {
            try expect("[")
            let t = try number()
            try expect(",")
            let value: Double
            if let range = try plainString(), let v = FloatParser.parse(bytes, range) {
                value = v
            } else {
                throw fail("a sample value must be a number in a string")
            }
            try expect("]")
            return TimeSeries.Point(time: t, value: value)
        }

        mutating func labels() throws(Failure) -> [String: String] {
            var labels: [String: String] = [:]
            try object { (c, key) throws(Failure) in labels[key] = try c.string() }
            return labels
        }

        mutating func series() throws(Failure) -> PromSeries {
            var s = PromSeries(labels: [:], points: [])
            try object { (c, key) throws(Failure) in
                switch key {
                case "metric": s.labels = try c.labels()
                case "value": s.points = [try c.point()]
                case "values":
                    try c.array { (c) throws(Failure) in s.points.append(try c.point()) }
                default: try c.skip()
                }
            }
            return s
        }

        mutating func data(into response: inout PromResponse) throws(Failure) {
            try object { (c, key) throws(Failure) in
                switch key {
                case "resultType": response.resultType = try c.string()
                case "result":
                    // A scalar or a string result is one point; vectors and matrices are lists of series.
                    let start = c.i
                    try c.expect("[")
                    let first = c.peek()
                    c.i = start
                    if first == UInt8(ascii: "{") || first == UInt8(ascii: "]") {
                        try c.array { (c) throws(Failure) in response.series.append(try c.series()) }
                    } else {
                        response.series = [PromSeries(labels: [:], points: [try c.point()])]
                    }
                default: try c.skip()
                }
            }
        }

        mutating func response() throws(Failure) -> PromResponse {
            var response = PromResponse()
            try object { (c, key) throws(Failure) in
                switch key {
                case "status": response.status = try c.string()
                case "errorType": response.errorType = try c.string()
                case "error": response.error = try c.string()
                case "warnings", "infos":
                    try c.array { (c) throws(Failure) in response.warnings.append(try c.string()) }
                case "data": try c.data(into: &response)
                default: try c.skip()
                }
            }
            return response
        }
    }
}
