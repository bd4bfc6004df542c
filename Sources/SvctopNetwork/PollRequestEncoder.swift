import NIOCore
import NIOHTTP1

/// The request side of a poll connection's HTTP/1.1 codec: writes a request head as the bytes its `PollRequest`
/// encoded once, where NIO's encoder would write the same head field by field at every scrape. The head still goes
/// through the pipeline as a head, for the response decoder (it pairs each answer with its request's method).
///
/// Poll requests carry no body: `.end` writes nothing and a body part is refused. Confined to the channel's loop.
final class PollRequestEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    /// What a head could not be written for.
    struct Unwritable: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of the head about to be written, set by the connection just before it writes it.
    var prepared: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            let bytes = prepared ?? PollRequestEncoder.encode(head)
            prepared = nil
            guard let bytes else {
                let error = Unwritable(description: "a request header holds a line break or a NUL")
                promise?.fail(error)
                context.fireErrorCaught(error)
                return
            }
            context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
        case .body:
            let error = Unwritable(description: "poll requests carry no body")
            promise?.fail(error)
            context.fireErrorCaught(error)
        case .end:
            promise?.succeed(())
        }
    }

    /// A bodiless request head as HTTP/1.1 bytes, framed as NIO frames one without a body; nil when a header name
    /// or value holds a CR, an LF or a NUL (it would split the request).
    static func encode(_ head: HTTPRequestHead) -> ByteBuffer? {
        var headers = head.headers
        switch head.method {
        case .POST, .PUT, .PATCH:
            headers.remove(name: "Transfer-Encoding")
            headers.replaceOrAdd(name: "Content-Length", value: "0")
        case .TRACE:
            headers.remove(name: "Content-Length")
            headers.remove(name: "Transfer-Encoding")
        default:
            break
        }
        func writable(_ text: String) -> Bool {
            !text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
        }
        guard writable(head.uri), !head.uri.contains(" "),
            headers.allSatisfy({ writable($0.name) && writable($0.value) && !$0.name.isEmpty })
        else { return nil }
        var buffer = ByteBuffer()
        buffer.writeString("\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)\r\n")
        for (name, value) in headers {
            buffer.writeString(name)
            buffer.writeString(": ")
            buffer.writeString(value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
        return buffer
    }
}
