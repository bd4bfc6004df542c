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
        let line = text(limit: 4096).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
