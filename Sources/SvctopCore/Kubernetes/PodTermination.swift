/// How a pod's container last ended (`lastState.terminated`): "OOMKilled, exit 137, 3m ago".
public struct PodTermination: Sendable, Equatable, Codable {
    public var reason: String
    public var exitCode: Int
    /// Seconds since the epoch, when the API says.
    public var finishedAt: Double?

    public init(reason: String, exitCode: Int, finishedAt: Double?) {
        self.reason = reason
        self.exitCode = exitCode
        self.finishedAt = finishedAt
    }

    /// "OOMKilled 3m ago" (or just the reason when the time is unknown).
    public func text(now: Double) -> String {
        guard let at = finishedAt else { return reason }
        return "\(reason) \(ByteFormat.span(max(0, now - at))) ago"
    }
}
