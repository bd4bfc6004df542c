import CompressNIO
import NIOCore
import Testing
@testable import SvctopCore
@testable import SvctopNetwork

@Suite("decoding compressed answers in one pass")
struct BodyInflaterTests {
    /// An exposition like a Go service's, about `families` × 1.2 KB of text.
    static func exposition(families: Int) -> String {
        (0..<families).map { family in
            "# HELP http_request_duration_seconds_\(family) Latency.\n# TYPE http_request_duration_seconds_\(family) histogram\n"
                + [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5].enumerated().map { i, le in
                    "http_request_duration_seconds_\(family)_bucket{code=\"200\",handler=\"/api/orders\",le=\"\(le)\"} \(i * 37 + family)\n"
                }.joined()
        }.joined()
    }

    static func compressed(_ text: String, _ algorithm: CompressionAlgorithm) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: text)
        return try buffer.compress(with: algorithm)
    }

    @Test("gzip and zlib bodies decode to the text sent, whatever their size")
    func roundTrip() throws {
        let inflater = BodyInflater()
        for families in [0, 1, 12, 400] {
            let text = Self.exposition(families: families) + "go_goroutines 42\n"
            for (algorithm, encoding) in [
                (CompressionAlgorithm.gzip(), BodyInflater.Encoding.gzip), (.zlib(), .deflate),
            ] {
                let body = try Self.compressed(text, algorithm)
                let decoded = try inflater.inflate(body, encoding, limit: 16 << 20).get()
                #expect(String(buffer: decoded) == text, "\(encoding), \(families) families")
            }
        }
        // Identity and empty bodies are passed through as they are.
        let plain = ByteBuffer(string: "go_goroutines 1\n")
        #expect(try inflater.inflate(plain, .identity, limit: 4).get() == plain)
        #expect(try inflater.inflate(ByteBuffer(), .gzip, limit: 4).get().readableBytes == 0)
    }

    @Test("a body that would inflate past the cap is refused with the cap, whether or not its trailer says so")
    func bombs() throws {
        let inflater = BodyInflater()
        let zeros = String(repeating: "0", count: 8 << 20)
        let gzip = try Self.compressed(zeros, .gzip())
        #expect(gzip.readableBytes < 64 << 10)
        #expect(inflater.inflate(gzip, .gzip, limit: 1 << 20) == .failure(.sizeCap(1 << 20)))
        // A trailer that understates the size: decoding stops at the cap all the same.
        var lying = gzip
        lying.setInteger(UInt32(1000), at: lying.writerIndex - 4, endianness: .little)
        #expect(inflater.inflate(lying, .gzip, limit: 1 << 20) == .failure(.sizeCap(1 << 20)))
        // zlib data states no size at all.
        #expect(
            inflater.inflate(try Self.compressed(zeros, .zlib()), .deflate, limit: 1 << 20)
                == .failure(.sizeCap(1 << 20)))
        // Just under the cap is fine.
        let decoded = try inflater.inflate(gzip, .gzip, limit: 8 << 20).get()
        #expect(decoded.readableBytes == 8 << 20)
    }

    @Test("corrupt, truncated or padded gzip is a clear failure, and the inflater goes on working after it")
    func corrupt() throws {
        let inflater = BodyInflater()
        let text = Self.exposition(families: 12)
        let gzip = try Self.compressed(text, .gzip())
        var flipped = gzip
        let middle = flipped.readerIndex + flipped.readableBytes / 2
        flipped.setInteger(flipped.getInteger(at: middle, as: UInt8.self)! ^ 0x5a, at: middle)
        #expect(inflater.inflate(flipped, .gzip, limit: 1 << 20) == .failure(.other("bad gzip body")))
        var badChecksum = gzip
        let crc = badChecksum.writerIndex - 8
        badChecksum.setInteger(badChecksum.getInteger(at: crc, as: UInt8.self)! ^ 1, at: crc)
        #expect(inflater.inflate(badChecksum, .gzip, limit: 1 << 20) == .failure(.other("bad gzip body")))
        let truncated = gzip.getSlice(at: gzip.readerIndex, length: gzip.readableBytes - 20)!
        #expect(inflater.inflate(truncated, .gzip, limit: 1 << 20) == .failure(.other("bad gzip body")))
        #expect(
            inflater.inflate(ByteBuffer(bytes: [0x1f, 0x8b, 8]), .gzip, limit: 1 << 20)
                == .failure(.other("bad gzip body: too short")))
        var padded = gzip
        padded.writeBytes([0, 0, 0, 0])
        #expect(
            inflater.inflate(padded, .gzip, limit: 1 << 20) == .failure(.other("bad gzip body: data after its end")))
        #expect(
            inflater.inflate(ByteBuffer(string: text), .deflate, limit: 1 << 20) == .failure(.other("bad deflate body"))
        )
        #expect(String(buffer: try inflater.inflate(gzip, .gzip, limit: 1 << 20).get()) == text)
    }

    @Test("Content-Encoding values: gzip, x-gzip and deflate are decoded, identity or none passes, others are refused")
    func encodings() {
        #expect(BodyInflater.Encoding(header: nil) == .identity)
        #expect(BodyInflater.Encoding(header: "identity") == .identity)
        #expect(BodyInflater.Encoding(header: "GZIP") == .gzip)
        #expect(BodyInflater.Encoding(header: "x-gzip") == .gzip)
        #expect(BodyInflater.Encoding(header: "deflate") == .deflate)
        #expect(BodyInflater.Encoding(header: "br") == nil)
        #expect(BodyInflater.Encoding(header: "gzip, br") == nil)
    }
}
