import Testing

@testable import SvctopCore

/// The varints and zigzag numbers the history and recordings are made of.
@Suite("LEB128 varints")
struct LEB128Tests {
    static let examples: [(UInt64, [UInt8])] = [
        (0, [0]), (127, [0x7f]), (128, [0x80, 0x01]), (300, [0xac, 0x02]),
        (.max, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    ]

    @Test("varints take a byte per seven bits, low bits first, and read back", arguments: examples)
    func varints(value: UInt64, bytes: [UInt8]) {
        var out: [UInt8] = [9]
        LEB128.append(value, to: &out)
        #expect(out == [9] + bytes)
        var at = 1
        #expect(out.withUnsafeBufferPointer { LEB128.read($0, at: &at) } == value)
        #expect(at == out.count)
    }

    @Test("a varint cut short ends at the end of the bytes")
    func cutShort() {
        var at = 0
        #expect([UInt8(0xac)].withUnsafeBufferPointer { LEB128.read($0, at: &at) } == 0x2c)
        #expect(at == 1)
    }

    @Test("zigzag gives small magnitudes of either sign small numbers, and undoes itself")
    func zigzag() {
        #expect([0, -1, 1, -2, 2].map(LEB128.zigzag) == [0, 1, 2, 3, 4])
        #expect(LEB128.zigzag(.min) == .max)
        for v: Int64 in [0, -1, 1, 63, -64, 1_000_000, -1_000_000, .max, .min] {
            #expect(LEB128.unzigzag(LEB128.zigzag(v)) == v)
        }
    }
}
