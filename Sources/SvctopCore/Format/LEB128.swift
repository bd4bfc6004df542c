/// Unsigned LEB128 varints (seven bits a byte, low bits first) and zigzag for signed numbers: the compact integers
/// of the history kept in memory (`TimeSeries`, `LatencyWindow`) and of recordings (SvctopRecord's `ByteSink`).
public enum LEB128 {
    /// Appends `value` to `out`: one byte under 128, at most ten.
    @inlinable
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// The varint at `at` in bytes this process wrote (moved past it); one cut short ends at the end of `b`.
    /// Bytes from elsewhere are read with checks (SvctopRecord's `ByteSource`).
    @inlinable
    public static func read(_ b: UnsafeBufferPointer<UInt8>, at: inout Int) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while at < b.count {
            let byte = b[at]
            at += 1
            v |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return v
    }

    /// A signed number as an unsigned one whose size follows the magnitude: 0, −1, 1, −2 … → 0, 1, 2, 3 …
    @inlinable
    public static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    /// The signed number `zigzag` made `v` from.
    @inlinable
    public static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
}
