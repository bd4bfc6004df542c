import SvctopCore

/// Bytes being written in the recording's encoding: little-endian fixed widths, LEB128 varints, zigzag for signed
/// numbers, strings as a varint length then UTF-8 (docs/recording.md).
public struct ByteSink: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    public mutating func varint(_ value: UInt64) { LEB128.append(value, to: &bytes) }

    public mutating func count(_ n: Int) { varint(UInt64(max(0, n))) }

    /// A signed integer, zigzag-encoded so small magnitudes of either sign are short.
    public mutating func signed(_ value: Int64) { varint(LEB128.zigzag(value)) }

    public mutating func double(_ d: Double) { fixed64(d.bitPattern) }

    public mutating func fixed64(_ v: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    public mutating func fixed32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    public mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    public mutating func blob(_ b: [UInt8]) {
        count(b.count)
        bytes.append(contentsOf: b)
    }

    public mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }

    public mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }

    public mutating func optionalDouble(_ d: Double?) {
        bool(d != nil)
        if let d { double(d) }
    }
}
