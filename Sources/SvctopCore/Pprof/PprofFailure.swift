/// Why a profile could not be shown.
public enum PprofFailure: Error, Sendable, Equatable {
    /// The request failed or the service answered with an error status.
    case fetch(ScrapeFailure)
    /// The answer is not a readable profile.
    case decode(String)

    /// The server's own message, verbatim, and what to do about it.
    public func explanation(kind: PprofKind, path: String) -> String {
        switch self {
        case .fetch(.httpStatus(400, let message)) where kind == .cpu:
            return "HTTP 400: \(message). The profile is longer than the service allows (its HTTP write timeout):"
                + " take a shorter one"
        case .fetch(.httpStatus(500, let message)) where kind == .cpu:
            return "HTTP 500: \(message). Another CPU profile is already running on this service (Go allows one at"
                + " a time): try again when it ends"
        case .fetch(.httpStatus(404, let message)):
            let key = kind == .cpu ? "cpu_profile" : "heap_profile"
            return "HTTP 404\(message.isEmpty ? "" : ": \(message)"). pprof is not mounted at \(path): mount"
                + " net/http/pprof there, or set the `\(key)` endpoint of this target's profile"
        case .fetch(.sizeCap(let limit)):
            return "larger than the \(ByteFormat.bytes(Double(limit))) cap (setting defaults.profile.max_size)"
        case .fetch(let failure):
            return failure.description
        case .decode(let why):
            return "not a readable profile: \(why)"
        }
    }
}
