import Foundation
import NIOCore

/// A finished HTTP exchange.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: ByteBuffer

    public init(status: Int, contentType: String?, body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The body's bytes.
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body decoded as UTF-8, at most `limit` bytes of it.
    public func text(limit: Int = .max) -> String {
        String(decoding: body.readableBytesView.prefix(limit), as: UTF8.self)
    }

    /// The first line of the body, trimmed to `limit` characters (for status displays).
    public func firstLine(limit: Int = 120) -> String {
        // Only the bytes up to the first line break are decoded: probes answer thousands of times a second.
        let line = body.withUnsafeReadableBytes { raw -> String in
            let bytes = raw.prefix(4096)
            func isBreak(_ b: UInt8) -> Bool { b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") }
            let start = bytes.firstIndex { !isBreak($0) } ?? bytes.endIndex
            let end = bytes[start...].firstIndex(where: isBreak) ?? bytes.endIndex
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
