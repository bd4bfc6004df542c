#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metric names a parse keeps; the parser skips every other sample, and the HELP, TYPE and UNIT lines of other
/// families, after reading only the name. A Go service exposes a few hundred lines of which a profile reads a few
/// dozen: skipping the rest before their labels and values are decoded is most of a scrape's parse work.
///
/// Matching is on bytes, without building a string: names are grouped by length, so a name is compared only with
/// the wanted names of its length.
public struct SampleFilter: Sendable, Equatable {
    /// Wanted names by length: `byLength[n]` holds the wanted names of n bytes.
    private let byLength: [[[UInt8]]]

    /// A filter that keeps exactly `names`.
    public init(names: some Sequence<String>) {
        var byLength: [[[UInt8]]] = []
        for name in Set(names) {
            let bytes = Array(name.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append(bytes)
        }
        self.byLength = byLength
    }

    /// A filter that keeps every sample a profile can read: each candidate name of each signal, with the suffixes
    /// the reading looks for (`_total` of a counter, `_bucket`, `_count` and `_sum` of a histogram or summary).
    public init(profile: Profile) {
        let suffixes = ["", "_total", "_bucket", "_count", "_sum"]
        self.init(names: profile.signals.values.joined().flatMap { name in suffixes.map { name + $0 } })
    }

    /// True when the `count` bytes at `start` are a wanted name.
    public func accepts(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard count < byLength.count else { return false }
        for name in byLength[count] {
            let equal = name.withUnsafeBufferPointer { memcmp($0.baseAddress!, start, count) == 0 }
            if equal { return true }
        }
        return false
    }

    /// True when `name` is wanted.
    public func accepts(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { accepts($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }
}
