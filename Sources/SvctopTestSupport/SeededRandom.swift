#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reproducible random source for fuzz tests (SplitMix64).
///
/// The seed comes from `SVCTOP_FUZZ_SEED` when set, else from the system; it is printed before the fuzzing
/// starts (so a crash still leaves it in the log) and belongs in every expectation's message, so any failure can
/// be replayed with `SVCTOP_FUZZ_SEED=<seed> swift test --filter <test>`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// A generator for the fuzz test `name`, announcing its seed on standard error.
    public static func forFuzzing(_ name: String) -> SeededRandom {
        let fromEnvironment = getenv("SVCTOP_FUZZ_SEED").flatMap { UInt64(String(cString: $0)) }
        let seed = fromEnvironment ?? UInt64.random(in: 1...UInt64.max)
        let line = Array("fuzz \(name): seed \(seed) (replay with SVCTOP_FUZZ_SEED=\(seed))\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        return SeededRandom(seed: seed)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// "seed N", for expectation messages.
    public var label: String { "fuzz seed \(seed)" }
}
