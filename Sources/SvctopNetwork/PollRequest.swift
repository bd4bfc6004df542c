import NIOCore
import NIOHTTP1

/// One request the scrape engine sends every interval: built once, sent many times.
public struct PollRequest: Sendable {
    let head: HTTPRequestHead
    /// The head as written on the wire, encoded once; nil when a header cannot be written (sending then fails).
    let bytes: ByteBuffer?
    /// The cap on the (decompressed) body.
    public var maxBytes: Int
    public var path: String { head.uri }

    init(method: String, path: String, address: PollAddress, headers: HTTPHeaders, maxBytes: Int) {
        var all = headers
        all.replaceOrAdd(name: "Host", value: address.hostHeader)
        // Answers may come compressed (`BodyInflater` decodes them), unless the request says otherwise.
        if !all.contains(name: "Accept-Encoding") { all.add(name: "Accept-Encoding", value: "deflate, gzip") }
        let uri = address.basePath + (path.hasPrefix("/") ? path : "/" + path)
        head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method.uppercased()), uri: uri, headers: all)
        bytes = PollRequestEncoder.encode(head)
        self.maxBytes = maxBytes
    }
}
