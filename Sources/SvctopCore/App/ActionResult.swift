/// What an action request came back with.
public enum ActionResult: Sendable, Equatable {
    /// 2xx, with the first line of the body.
    case succeeded(status: Int, body: String)
    /// Non-2xx, with the error text of the body.
    case rejected(status: Int, body: String)
    /// No response: timeout, refused, reset...
    case failed(String)

    public var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }

    public var summary: String {
        switch self {
        case .succeeded(let status, _): return "HTTP \(status)"
        case .rejected(let status, let body): return body.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(body)"
        case .failed(let reason): return reason
        }
    }
}
