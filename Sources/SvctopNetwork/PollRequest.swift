import NIOCore
import NIOHTTP1

/// One request the scrape engine sends every interval: built once, sent many times.
public struct PollRequest: Sendable {
    var head: HTTPRequestHead
    /// The cap on the (decompressed) body.
    public var maxBytes: Int
    public var path: String { head.uri }

    init(method: String, path: String, address: PollAddress, headers: HTTPHeaders, maxBytes: Int) {
        var all = headers
        all.replaceOrAdd(name: "Host", value: address.hostHeader)
        let uri = address.basePath + (path.hasPrefix("/") ? path : "/" + path)
        head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method.uppercased()), uri: uri, headers: all)
        self.maxBytes = maxBytes
    }
}
