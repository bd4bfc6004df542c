import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SvctopCore

/// One keep-alive HTTP/1.1 connection to a target, carrying one request at a time, the way a Prometheus server
/// scrapes: connect once, then one request per interval on the same connection.
///
/// Confined to `loop`: every method runs there, and so do the channel's handlers (hence `@unchecked Sendable`).
/// A connection that fails, times out or is closed by the server is dropped and made again on the next request;
/// a request on a reused connection that the server had closed meanwhile is sent once more on a new one.
final class PollConnection: @unchecked Sendable {
    let loop: any EventLoop
    let address: PollAddress
    private let deadlines: RequestDeadlines
    /// Decodes compressed answers: the loop's, shared by its connections.
    private let inflater: BodyInflater
    private var channel: (any Channel)?
    /// The request encoder of `channel`'s pipeline.
    private var encoder: PollRequestEncoder?
    private var exchange: Exchange?
    /// This connection's place among `deadlines`' watched ones while a request is in flight.
    var deadlineSlot: Int?

    /// The request being answered. Confined to the loop, like the connection.
    private final class Exchange: @unchecked Sendable {
        let request: PollRequest
        let promise: EventLoopPromise<Result<HTTPAnswer, ScrapeFailure>>
        let deadline: NIODeadline
        var status = 0
        var contentType: String?
        var encoding = BodyInflater.Encoding.identity
        var keepAlive = true
        var body = ByteBuffer()
        var receivedAnything = false
        var mayRetry: Bool

        init(
            request: PollRequest, promise: EventLoopPromise<Result<HTTPAnswer, ScrapeFailure>>, deadline: NIODeadline,
            mayRetry: Bool
        ) {
            self.request = request
            self.promise = promise
            self.deadline = deadline
            self.mayRetry = mayRetry
        }
    }

    /// How the connection reads: a connection keeps its last read buffer for its life (NIO pools it for the next
    /// read), and NIO's default lets it grow to 64 KiB, 16 KiB for a typical exposition: 16 MiB at 1,000 targets,
    /// idle between scrapes. Reads of at most 4 KiB keep that to 4 MiB; an 11 KB exposition takes three reads
    /// instead of one, in the same wake-up.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 256, initial: 2048, maximum: 4096)

    init(address: PollAddress, deadlines: RequestDeadlines, inflater: BodyInflater) {
        self.loop = deadlines.loop
        self.address = address
        self.deadlines = deadlines
        self.inflater = inflater
    }

    /// The deadline of the request in flight, if any.
    var deadline: NIODeadline? { exchange?.deadline }

    /// Times out the request in flight (its deadline passed) and closes the connection.
    func expire() {
        if let current = exchange { finish(current, .failure(.timeout), close: true) }
    }

    /// Sends `request` and collects its answer within `timeout` seconds.
    ///
    /// - Returns: a future on `loop` that always succeeds: the answer for any HTTP status, or why there was none.
    func send(_ request: PollRequest, timeout: Double) -> EventLoopFuture<Result<HTTPAnswer, ScrapeFailure>> {
        let promise = loop.makePromise(of: Result<HTTPAnswer, ScrapeFailure>.self)
        guard exchange == nil else {
            promise.succeed(.failure(.other("a request is already in flight on this connection")))
            return promise.futureResult
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(max(0.001, timeout) * 1e9))
        let current = Exchange(request: request, promise: promise, deadline: deadline, mayRetry: channel != nil)
        exchange = current
        deadlines.watch(self, until: deadline)
        start(current)
        return promise.futureResult
    }

    /// Abandons the request in flight, if any, and closes the connection.
    func cancel() {
        if let current = exchange { finish(current, .failure(.other("cancelled")), close: true) }
        channel?.close(promise: nil)
        channel = nil
    }

    private func start(_ current: Exchange) {
        if let channel, channel.isActive {
            write(current, on: channel)
            return
        }
        channel = nil
        connect(timeout: current.deadline - .now()).whenComplete { [self] result in
            guard exchange === current else {
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel):
                self.channel = channel
                encoder = try? channel.pipeline.syncOperations.handler(type: PollRequestEncoder.self)
                write(current, on: channel)
            case .failure(let error):
                finish(current, .failure(HTTPTransport.classify(error, limit: current.request.maxBytes)), close: false)
            }
        }
    }

    private func connect(timeout: TimeAmount) -> EventLoopFuture<any Channel> {
        let tls = address.tls
        let serverName =
            address.host.contains(":") || address.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : address.host
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(max(.milliseconds(1), timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: Self.receiveBuffers)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    // NIO's client codec, with the request side writing each request's bytes made once. A
                    // compressed body is collected as it is and decoded once complete (`BodyInflater`).
                    let encoder = PollRequestEncoder()
                    try sync.addHandler(encoder)
                    try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(PollResponseHandler(connection: self))
                }
            }
        return bootstrap.connect(host: address.host, port: address.port)
    }

    private func write(_ current: Exchange, on channel: any Channel) {
        // The head is the whole request: the encoder writes its bytes, and an end would write nothing.
        encoder?.prepared = current.request.bytes
        channel.writeAndFlush(HTTPClientRequestPart.head(current.request.head), promise: nil)
    }

    private func finish(_ current: Exchange, _ result: Result<HTTPAnswer, ScrapeFailure>, close: Bool) {
        guard exchange === current else { return }
        exchange = nil
        deadlines.forget(self)
        if close {
            channel?.close(promise: nil)
            channel = nil
        }
        current.promise.succeed(result)
    }

    // MARK: Events from the channel (on the loop)

    fileprivate func received(_ part: HTTPClientResponsePart, from channel: any Channel) {
        guard let current = exchange, channel === self.channel else { return }
        current.receivedAnything = true
        switch part {
        case .head(let head):
            // Informational answers (100 Continue, 103 Early Hints) come before the real one.
            if (100..<200).contains(head.status.code) { return }
            current.status = Int(head.status.code)
            current.contentType = head.headers.first(name: "Content-Type")
            current.keepAlive = head.isKeepAlive
            let encoding = head.headers.first(name: "Content-Encoding")
            guard let decoded = BodyInflater.Encoding(header: encoding) else {
                let failure = ScrapeFailure.unsupported(
                    "answer encoded as \(encoding ?? ""), which svctop cannot decode")
                finish(current, .failure(failure), close: true)
                return
            }
            current.encoding = decoded
            // Compressed or not, the body as sent may not exceed the cap either.
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init),
                length > current.request.maxBytes
            {
                finish(current, .failure(.sizeCap(current.request.maxBytes)), close: true)
            }
        case .body(var bytes):
            guard current.body.readableBytes + bytes.readableBytes <= current.request.maxBytes else {
                finish(current, .failure(.sizeCap(current.request.maxBytes)), close: true)
                return
            }
            current.body.writeBuffer(&bytes)
        case .end:
            let body = inflater.inflate(current.body, current.encoding, limit: current.request.maxBytes)
            let answer = body.map { HTTPAnswer(status: current.status, contentType: current.contentType, body: $0) }
            finish(current, answer, close: !current.keepAlive)
        }
    }

    fileprivate func failed(_ error: any Error, on channel: any Channel) {
        guard let current = exchange, channel === self.channel else { return }
        let failure = HTTPTransport.classify(error, limit: current.request.maxBytes)
        if failure == .reset && retriesOnNewConnection(current) {
            // A server that closes an idle connection as a request arrives resets it (Go's http.Server does).
            channel.close(promise: nil)
            return
        }
        finish(current, .failure(failure), close: true)
    }

    fileprivate func closed(_ channel: any Channel) {
        guard channel === self.channel else { return }
        self.channel = nil
        guard let current = exchange else { return }
        // A server that closed an idle keep-alive connection as the request went out: sent again on a new one.
        if retriesOnNewConnection(current) { return }
        finish(
            current, .failure(current.receivedAnything ? .reset : .other("connection closed before an answer")),
            close: false)
    }
}

extension PollConnection {
    /// Sends `current` once more on a new connection when it went out on a reused one that ended before any byte
    /// of an answer, and it is safe to send twice (a GET or HEAD, as Go's and browsers' clients retry); false when
    /// it may not be.
    private func retriesOnNewConnection(_ current: Exchange) -> Bool {
        let method = current.request.head.method
        guard current.mayRetry && !current.receivedAnything && (method == .GET || method == .HEAD) else {
            return false
        }
        current.mayRetry = false
        channel = nil
        start(current)
        return true
    }
}

/// The last handler of a poll connection's pipeline: hands the response parts to the connection.
private final class PollResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    let connection: PollConnection

    init(connection: PollConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data), from: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.failed(error, on: context.channel)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed(context.channel)
        context.fireChannelInactive()
    }
}
