/// Why a request to a target did not produce a usable answer.
public enum ScrapeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case refused
    case timeout
    case dns(String)
    case tls(String)
    case reset
    case httpStatus(Int, String)
    case sizeCap(Int)
    case parse(String)
    case unsupported(String)
    case other(String)
    /// The source no longer has the instance's series (stale or deleted); its last values stay on screen.
    case gone
    /// The source's server reports that its own scrape of the instance fails (`up` is 0).
    case sourceDown

    /// A short reason for a table cell.
    public var shortReason: String {
        switch self {
        case .refused: return "refused"
        case .timeout: return "timeout"
        case .dns: return "DNS"
        case .tls: return "TLS"
        case .reset: return "reset"
        case .httpStatus(let code, _): return "HTTP \(code)"
        case .sizeCap: return "too large"
        case .parse: return "bad data"
        case .unsupported: return "format"
        case .other: return "error"
        case .gone: return "gone"
        case .sourceDown: return "up=0"
        }
    }

    public var description: String {
        switch self {
        case .refused: return "connection refused"
        case .timeout: return "timed out"
        case .dns(let d): return "DNS lookup failed: \(d)"
        case .tls(let d): return "TLS error: \(d)"
        case .reset: return "connection reset"
        case .httpStatus(let code, let line): return line.isEmpty ? "HTTP \(code)" : "HTTP \(code): \(line)"
        case .sizeCap(let limit): return "response larger than the \(ByteFormat.bytes(Double(limit))) cap"
        case .parse(let d): return "unparseable exposition: \(d)"
        case .unsupported(let d): return d
        case .other(let d): return d
        case .gone: return "gone: the source has no current series for it (last values shown)"
        case .sourceDown: return "the source server cannot scrape it (up is 0)"
        }
    }
}
