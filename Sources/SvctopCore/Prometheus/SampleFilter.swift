#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metric names a parse keeps; the parser skips every other sample, and the HELP, TYPE and UNIT lines of other
/// families, after reading only the name. A Go service exposes a few hundred lines of which a profile reads a few
/// dozen: skipping the rest before their labels and values are decoded is most of a scrape's parse work.
///
/// Matching is on bytes, without building a string or touching a reference count: the wanted names sit in one
/// buffer, found through an open-addressing table by a hash of their bytes, so a name is compared with at most
/// the few wanted names of its hash.
public struct SampleFilter: Sendable, Equatable {
    /// Every wanted name's bytes, one after another.
    private let bytes: [UInt8]
    /// Where each wanted name starts in `bytes`, and its length.
    private let names: [(start: Int32, count: Int32)]
    /// Open addressing by `hash(name) & mask`: a position in `names`, or -1 for an empty slot.
    private let slots: [Int32]

    /// A filter that keeps exactly `names`.
    public init(names wanted: some Sequence<String>) {
        var bytes: [UInt8] = []
        var names: [(start: Int32, count: Int32)] = []
        for name in Set(wanted).sorted() where !name.isEmpty {
            names.append((Int32(bytes.count), Int32(name.utf8.count)))
            bytes.append(contentsOf: name.utf8)
        }
        var size = 16
        while size < names.count * 4 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        bytes.withUnsafeBufferPointer { b in
            for (i, name) in names.enumerated() {
                var slot = Self.hash(b.baseAddress! + Int(name.start), count: Int(name.count)) & (size - 1)
                while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
                slots[slot] = Int32(i)
            }
        }
        self.bytes = bytes
        self.names = names
        self.slots = slots
    }

    /// A filter that keeps every sample a profile can read: each candidate name of each signal, with the suffixes
    /// the reading looks for (`_total` of a counter, `_bucket`, `_count` and `_sum` of a histogram or summary).
    public init(profile: Profile) {
        let suffixes = ["", "_total", "_bucket", "_count", "_sum"]
        self.init(names: profile.signals.values.joined().flatMap { name in suffixes.map { name + $0 } })
    }

    public static func == (a: SampleFilter, b: SampleFilter) -> Bool {
        a.bytes == b.bytes && a.names.elementsEqual(b.names) { $0 == $1 }
    }

    /// A hash of the bytes, eight at a time, the last few one by one (every line of a scrape is looked up: with a
    /// hash byte by byte, finding names was an eighth of reading a scrape at 1,000 targets; now about a fiftieth).
    private static func hash(_ start: UnsafePointer<UInt8>, count: Int) -> Int {
        let raw = UnsafeRawPointer(start)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: count)
        var i = 0
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9e37_79b9_7f4a_7c15
            h ^= h >> 29
            i += 8
        }
        while i < count {
            h = (h ^ UInt64(start[i])) &* 0x100_0000_01b3
            i += 1
        }
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    /// How many names the filter wants; `position` numbers them from 0.
    public var count: Int { names.count }

    /// The number of the wanted name the `count` bytes at `start` spell (one of `0..<self.count`), or -1.
    public func position(_ start: UnsafePointer<UInt8>, count: Int) -> Int {
        slots.withUnsafeBufferPointer { slots in
            names.withUnsafeBufferPointer { names in
                bytes.withUnsafeBufferPointer { bytes in
                    let mask = slots.count - 1
                    var slot = Self.hash(start, count: count) & mask
                    while true {
                        let i = Int(slots[slot])
                        if i < 0 { return -1 }
                        let name = names[i]
                        if Int(name.count) == count && memcmp(bytes.baseAddress! + Int(name.start), start, count) == 0 {
                            return i
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The number of a wanted name (see `position(_:count:)`), or nil.
    public func position(_ name: String) -> Int? {
        var name = name
        let found = name.withUTF8 { position($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
        return found < 0 ? nil : found
    }

    /// True when the `count` bytes at `start` are a wanted name.
    public func accepts(_ start: UnsafePointer<UInt8>, count: Int) -> Bool { position(start, count: count) >= 0 }

    /// True when `name` is wanted.
    public func accepts(_ name: String) -> Bool { position(name) != nil }
}
