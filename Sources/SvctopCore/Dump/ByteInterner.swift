#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps distinct byte spans of one buffer to dense integer ids without making strings (open addressing).
///
/// Lifetime: borrows the buffer passed to `intern`; ids stay valid for the interner's life, spans only while the
/// buffer lives. Complexity: O(length) per call, amortized O(1) table work.
struct ByteInterner {
    private var slots: [Int32]
    private var mask: Int
    private(set) var spans: [Range<Int>] = []
    private var hashes: [UInt64] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { spans.count }

    static func hash(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(range.count)
        var i = range.lowerBound
        let end = range.upperBound
        while i + 8 <= end {
            var word: UInt64 = 0
            memcpy(&word, base + i, 8)
            h = (h ^ word) &* 0x100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < end {
            h = (h ^ UInt64(base[i])) &* 0x100_0000_01b3
            i += 1
        }
        return h ^ (h >> 32)
    }

    /// The id of the span's bytes, adding them when new.
    mutating func intern(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Int32 {
        let h = ByteInterner.hash(base, range)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            let i = Int(id)
            if hashes[i] == h && spans[i].count == range.count
                && memcmp(base + spans[i].lowerBound, base + range.lowerBound, range.count) == 0
            {
                return id
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(spans.count)
        spans.append(range)
        hashes.append(h)
        slots[slot] = id
        if spans.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (i, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}
