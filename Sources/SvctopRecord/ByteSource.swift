import SvctopCore

/// Reads what `ByteSink` wrote. Every read is bounds-checked: running out of bytes is `RecordingError.truncated`,
/// never a crash.
public struct ByteSource {
    public let bytes: [UInt8]
    public var position: Int

    public init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var isAtEnd: Bool { position >= bytes.count }

    public mutating func byte() throws(RecordingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func varint() throws(RecordingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw .corrupt("a varint longer than 64 bits") }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// A count or index, bounded so a corrupt length cannot ask for gigabytes.
    public mutating func count(max limit: Int = 1 << 30) throws(RecordingError) -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else { throw .corrupt("a count of \(v), more than the \(limit) allowed") }
        return Int(v)
    }

    public mutating func signed() throws(RecordingError) -> Int64 {
        LEB128.unzigzag(try varint())
    }

    public mutating func fixed64() throws(RecordingError) -> UInt64 {
        guard bytes.count - position >= 8 else { throw .truncated }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << UInt64(8 * i) }
        position += 8
        return v
    }

    public mutating func fixed32() throws(RecordingError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw .truncated }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << UInt32(8 * i) }
        position += 4
        return v
    }

    public mutating func double() throws(RecordingError) -> Double { Double(bitPattern: try fixed64()) }

    public mutating func raw(_ n: Int) throws(RecordingError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - position >= n else { throw .truncated }
        defer { position += n }
        return bytes[position..<position + n]
    }

    public mutating func string() throws(RecordingError) -> String {
        String(decoding: try raw(try count()), as: UTF8.self)
    }

    public mutating func blob() throws(RecordingError) -> [UInt8] { Array(try raw(try count())) }

    public mutating func bool() throws(RecordingError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: throw .corrupt("a flag of \(b)")
        }
    }

    public mutating func optionalString() throws(RecordingError) -> String? { try bool() ? try string() : nil }

    public mutating func optionalDouble() throws(RecordingError) -> Double? { try bool() ? try double() : nil }
}
