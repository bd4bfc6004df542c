import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The test API server's front door: it terminates TLS, and looks at each connection's first request. A pod's
/// `portforward` subresource asked for with `Upgrade: SPDY/3.1` is answered here (`SpdyPortForward`); everything
/// else is relayed, bytes for bytes, to the REST side (Hummingbird, plain HTTP on another loopback port).
///
/// kubectl 1.31 and later first ask for a WebSocket upgrade (SPDY tunnelled in WebSocket frames); the REST side
/// answers that with 404, and kubectl falls back to SPDY itself, as it does with API servers that predate the
/// tunnel.
final class KubeFront: @unchecked Sendable {
    /// The pod behind a port-forward request (namespace, pod name, the Authorization header): its process's
    /// loopback port, or the HTTP status to refuse with.
    typealias Resolve = @Sendable (_ namespace: String, _ pod: String, _ authorization: String?) -> Answer
    enum Answer {
        case pod(Int)
        case refuse(Int)
    }

    let group: MultiThreadedEventLoopGroup
    private var channel: (any Channel)?
    let inner: Int
    let resolve: Resolve
    /// Streams opened by port-forward clients, all sessions together.
    let streams = LockedBox(0)

    init(inner: Int, group: MultiThreadedEventLoopGroup = .singleton, resolve: @escaping Resolve) {
        self.inner = inner
        self.group = group
        self.resolve = resolve
    }

    var port: Int { channel?.localAddress?.port ?? 0 }

    func start(tls: TLSConfiguration) async throws {
        let context = try NIOSSLContext(configuration: tls)
        let inner = inner
        let resolve = resolve
        let streams = streams
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(
                        FrontDoor(inner: inner, resolve: resolve, streams: streams))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() {
        try? channel?.close().wait()
    }
}

/// Reads a connection's first request head, then either relays the connection to the REST side or speaks SPDY.
private final class FrontDoor: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let inner: Int
    let resolve: KubeFront.Resolve
    let streams: LockedBox<Int>
    private var head = ByteBuffer()
    private var relay: (any Channel)?
    private var pending: [ByteBuffer] = []
    private var spdy: SpdyPortForward?
    private var decided = false

    init(inner: Int, resolve: @escaping KubeFront.Resolve, streams: LockedBox<Int>) {
        self.inner = inner
        self.resolve = resolve
        self.streams = streams
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if let spdy {
            spdy.read(&bytes)
            return
        }
        if decided {
            if let relay { relay.writeAndFlush(bytes, promise: nil) } else { pending.append(bytes) }
            return
        }
        head.writeBuffer(&bytes)
        let text = String(decoding: head.readableBytesView, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return }
        decided = true
        let lines = text[..<end.lowerBound].split(separator: "\r\n")
        let request = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let parts = request.count > 1 ? request[1].split(separator: "?")[0].split(separator: "/").map(String.init) : []
        if parts.count == 7, parts[0] == "api", parts[4] == "pods", parts[6] == "portforward",
            headers["upgrade"]?.lowercased().hasPrefix("spdy/3.1") == true
        {
            switch resolve(parts[3], parts[5], headers["authorization"]) {
            case .refuse(let status):
                let reason = status == 401 ? "Unauthorized" : status == 404 ? "Not Found" : "Forbidden"
                let answer = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer))).whenComplete { _ in
                    context.close(promise: nil)
                }
            case .pod(let backend):
                let answer =
                    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    + "X-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
                let session = SpdyPortForward(
                    client: context.channel, backend: backend, streams: streams)
                spdy = session
                let headBytes = head.readableBytesView.count
                let consumed = text[..<end.upperBound].utf8.count
                if headBytes > consumed {
                    var rest = head.getSlice(at: head.readerIndex + consumed, length: headBytes - consumed)!
                    session.read(&rest)
                }
            }
            return
        }
        // The REST side, relayed.
        pending.append(head)
        let front = context.channel
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Pipe(peer: front))
                }
            }
            .connect(host: "127.0.0.1", port: inner)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    relay = channel
                    for bytes in pending { channel.write(bytes, promise: nil) }
                    pending = []
                    channel.flush()
                case .failure:
                    front.close(promise: nil)
                }
            }
        context.channel.closeFuture.whenComplete { [self] _ in relay?.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        relay?.close(promise: nil)
        spdy?.closeAll()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed {
            if let relay { relay.close(mode: .output, promise: nil) } else { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Writes what one channel reads to another, and ends the other's output when its own input ends.
private final class Pipe: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let peer: any Channel
    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }
    func channelInactive(context: ChannelHandlerContext) { peer.close(promise: nil) }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed { peer.close(mode: .output, promise: nil) }
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// The server side of a SPDY/3.1 port-forward session, as the kubelet speaks it to kubectl, reduced to what kubectl
/// needs: every stream kubectl opens (SYN_STREAM) is answered (SYN_REPLY) and joined to a new connection to the
/// pod's process; DATA frames go both ways; FIN half-closes, RST_STREAM closes; PING is echoed.
///
/// Simplified: the stream headers are not read (their zlib block needs SPDY's dictionary). So the error stream of
/// each forwarded connection is joined to the pod too, where it ends at once, empty (no error), and every stream
/// goes to the pod's one port. The reply headers are an empty block in zlib's stored (uncompressed) form. There is
/// no flow control (kubectl's spdystream sends without waiting for window updates).
///
/// Confined to the client channel's event loop.
final class SpdyPortForward: @unchecked Sendable {
    let client: any Channel
    let backend: Int
    let streams: LockedBox<Int>
    private var buffer = ByteBuffer()
    private var backends: [UInt32: Backend] = [:]
    private var sentHeaderStream = false

    final class Backend {
        var channel: (any Channel)?
        var pending: [ByteBuffer] = []
        var finished = false
        var reset = false
    }

    init(client: any Channel, backend: Int, streams: LockedBox<Int>) {
        self.client = client
        self.backend = backend
        self.streams = streams
    }

    func read(_ bytes: inout ByteBuffer) {
        buffer.writeBuffer(&bytes)
        while buffer.readableBytes >= 8 {
            let start = buffer.readerIndex
            let first = buffer.getInteger(at: start, as: UInt32.self)!
            let flagsAndLength = buffer.getInteger(at: start + 4, as: UInt32.self)!
            let flags = UInt8(flagsAndLength >> 24)
            let length = Int(flagsAndLength & 0x00ff_ffff)
            guard buffer.readableBytes >= 8 + length else { return }
            buffer.moveReaderIndex(forwardBy: 8)
            let payload = buffer.readSlice(length: length)!
            if first & 0x8000_0000 != 0 {
                control(type: UInt16(first & 0xffff), flags: flags, payload: payload, raw: (first, flagsAndLength))
            } else {
                data(stream: first & 0x7fff_ffff, flags: flags, payload: payload)
            }
        }
        buffer.discardReadBytes()
    }

    private func control(type: UInt16, flags: UInt8, payload: ByteBuffer, raw: (UInt32, UInt32)) {
        switch type {
        case 1:  // SYN_STREAM
            guard let id = payload.getInteger(at: payload.readerIndex, as: UInt32.self).map({ $0 & 0x7fff_ffff })
            else { return }
            streams.value += 1
            reply(id)
            open(id)
            if flags & 0x01 != 0 { finish(id) }
        case 3:  // RST_STREAM
            guard let id = payload.getInteger(at: payload.readerIndex, as: UInt32.self).map({ $0 & 0x7fff_ffff })
            else { return }
            if let b = backends.removeValue(forKey: id) {
                b.reset = true
                b.channel?.close(promise: nil)
            }
        case 6:  // PING: the same frame back
            var frame = ByteBuffer()
            frame.writeInteger(raw.0)
            frame.writeInteger(raw.1)
            var body = payload
            frame.writeBuffer(&body)
            client.writeAndFlush(frame, promise: nil)
        case 7:  // GOAWAY
            closeAll()
            client.close(promise: nil)
        default:  // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do
            break
        }
    }

    /// SYN_REPLY with no headers. The header blocks of a session form one zlib stream: its 2-byte header (no
    /// preset dictionary) once, then per frame a stored block and an empty one (a sync flush, so the reader
    /// hands out the headers having read the whole frame), never final.
    private func reply(_ id: UInt32) {
        var block = ByteBuffer()
        if !sentHeaderStream {
            block.writeBytes([0x78, 0x01])
            sentHeaderStream = true
        }
        block.writeBytes([0x00, 0x04, 0x00, 0xfb, 0xff])  // stored, not final; LEN 4, NLEN
        block.writeInteger(UInt32(0))  // no header pairs
        block.writeBytes([0x00, 0x00, 0x00, 0xff, 0xff])  // an empty stored block: the flush that ends each frame
        var frame = ByteBuffer()
        frame.writeInteger(UInt32(0x8003_0002))  // control, version 3, SYN_REPLY
        frame.writeInteger(UInt32(4 + block.readableBytes))
        frame.writeInteger(id)
        frame.writeBuffer(&block)
        client.writeAndFlush(frame, promise: nil)
    }

    private func open(_ id: UInt32) {
        let entry = Backend()
        backends[id] = entry
        let session = self
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StreamPipe(session: session, id: id))
                }
            }
            .connect(host: "127.0.0.1", port: backend)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard !entry.reset else {
                        channel.close(promise: nil)
                        return
                    }
                    entry.channel = channel
                    for bytes in entry.pending { channel.write(bytes, promise: nil) }
                    entry.pending = []
                    channel.flush()
                    if entry.finished { channel.close(mode: .output, promise: nil) }
                case .failure:
                    // The pod's process is gone: the stream ends, as the kubelet ends it.
                    session.send(id, ByteBuffer(), fin: true)
                    session.backends[id] = nil
                }
            }
    }

    private func data(stream id: UInt32, flags: UInt8, payload: ByteBuffer) {
        guard let entry = backends[id] else { return }
        if payload.readableBytes > 0 {
            if let channel = entry.channel {
                channel.writeAndFlush(payload, promise: nil)
            } else {
                entry.pending.append(payload)
            }
        }
        if flags & 0x01 != 0 { finish(id) }
    }

    private func finish(_ id: UInt32) {
        guard let entry = backends[id] else { return }
        entry.finished = true
        entry.channel?.close(mode: .output, promise: nil)
    }

    /// A DATA frame to kubectl (at most 16 MiB - 1 each, the 24-bit length).
    func send(_ id: UInt32, _ bytes: ByteBuffer, fin: Bool) {
        var bytes = bytes
        repeat {
            let n = min(bytes.readableBytes, 0x00ff_ffff)
            var chunk = bytes.readSlice(length: n)!
            var frame = ByteBuffer()
            frame.writeInteger(id & 0x7fff_ffff)
            let last = bytes.readableBytes == 0
            frame.writeInteger((UInt32(fin && last ? 1 : 0) << 24) | UInt32(n))
            frame.writeBuffer(&chunk)
            client.write(frame, promise: nil)
        } while bytes.readableBytes > 0
        client.flush()
    }

    func backendEnded(_ id: UInt32) {
        guard let entry = backends.removeValue(forKey: id), !entry.reset else { return }
        send(id, ByteBuffer(), fin: true)
    }

    func closeAll() {
        for entry in backends.values { entry.channel?.close(promise: nil) }
        backends = [:]
    }
}

/// One stream's connection to the pod: what the pod says goes to kubectl as DATA frames; its end, as FIN.
private final class StreamPipe: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let session: SpdyPortForward
    let id: UInt32
    private var ended = false
    init(session: SpdyPortForward, id: UInt32) {
        self.session = session
        self.id = id
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session.send(id, unwrapInboundIn(data), fin: false)
    }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed { end() }
    }
    func channelInactive(context: ChannelHandlerContext) { end() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    private func end() {
        guard !ended else { return }
        ended = true
        session.backendEnded(id)
    }
}
