import Foundation
import NIOCore
import NIOSSL
import SvctopCore

/// Where a target listens: host, port, and TLS when its URL is https. Built once per target.
public struct PollAddress: Sendable {
    public var host: String
    public var port: Int
    /// The path every endpoint path is appended to (`/base` in `http://host:port/base`), without a trailing slash.
    public var basePath: String
    /// The `Host` header value.
    public var hostHeader: String

    let tls: NIOSSLContext?

    /// Reads a target's base URL; loads TLS files when the scheme is https.
    public static func make(baseURL: String, options: TransportOptions) -> Result<PollAddress, ScrapeFailure> {
        // `URL` rather than `URLComponents`: the latter loads ICU's IDNA data (about a megabyte that stays resident).
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            return .failure(.other("invalid URL \(baseURL)"))
        }
        let secure = scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let shown = bare.contains(":") ? "[\(bare)]" : bare
        let defaultPort = (secure && port == 443) || (!secure && port == 80)
        var tls: NIOSSLContext?
        if secure {
            do {
                tls = try NIOSSLContext(configuration: HTTPTransport.tlsConfiguration(options))
            } catch {
                return .failure(.tls("cannot load TLS files: \(error)"))
            }
        }
        var base = url.path(percentEncoded: true)
        while base.hasSuffix("/") { base.removeLast() }
        return .success(
            PollAddress(
                host: bare, port: port, basePath: base, hostHeader: defaultPort ? shown : "\(shown):\(port)", tls: tls))
    }
}
