/// The result of one liveness or readiness probe.
public struct ProbeResult: Sendable, Equatable {
    public var isPassing: Bool
    /// HTTP status, nil when there was no response.
    public var status: Int?
    /// First line of the body (trimmed, at most 120 characters), or the transport error.
    public var detail: String

    public init(isPassing: Bool, status: Int?, detail: String) {
        self.isPassing = isPassing
        self.status = status
        self.detail = detail
    }
}
