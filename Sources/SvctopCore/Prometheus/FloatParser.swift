#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses sample values the way Prometheus does: decimal floats with optional sign and exponent, `Inf`,
/// `+Inf`, `-Inf`, `Infinity` and `NaN` in any letter case. Hex floats and digit separators (`_`) are
/// rejected, as Prometheus rejects them, and so are values out of the range of a Double.
///
/// Plain decimals of at most 15 significant digits and small exponents take an exact fast path (Clinger);
/// everything else goes through `strtod` on a stack copy.
enum FloatParser {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        let sign = bytes[i]
        if sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            i += 1
            guard i < end else { return nil }
        }
        let first = bytes[i] | 0x20
        if first == UInt8(ascii: "i") || first == UInt8(ascii: "n") {
            return parseSpecial(bytes, i..<end, negative: negative)
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var sawDigit = false
        var exponent = 0
        // Integer part.
        while i < end {
            let d = bytes[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            sawDigit = true
            if mantissa == 0 && d == 0 {
                i += 1
                continue
            }
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
            } else {
                exponent += 1
                digits += 1
            }
            i += 1
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let d = bytes[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                sawDigit = true
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                    i += 1
                    continue
                }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                    exponent -= 1
                } else {
                    digits += 1
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < end && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var sawExpDigit = false
            while i < end {
                let d = bytes[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                sawExpDigit = true
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard sawExpDigit else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= powersOfTen[-exponent] } else { v *= powersOfTen[exponent] }
            return negative ? -v : v
        }
        return slowParse(bytes, range)
    }

    /// Parses `text` as `parse(_:_:)` parses bytes (a label's value read as a number).
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0, 0..<$0.count) }
    }

    private static func parseSpecial(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, negative: Bool
    ) -> Double? {
        // The word in lower case, compared without building it.
        func spells(_ word: StaticString) -> Bool {
            guard range.count == word.utf8CodeUnitCount else { return false }
            let letters = word.utf8Start
            for (k, i) in range.enumerated() where bytes[i] | 0x20 != letters[k] { return false }
            return true
        }
        if spells("inf") || spells("infinity") { return negative ? -.infinity : .infinity }
        return spells("nan") ? .nan : nil
    }

    private static func slowParse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard range.count < 400 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { buffer -> Double? in
            for (offset, i) in range.enumerated() { buffer[offset] = CChar(bitPattern: bytes[i]) }
            buffer[range.count] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard let endPointer, endPointer - buffer.baseAddress! == range.count else { return nil }
            guard value.isFinite else { return nil }
            return value
        }
    }
}
