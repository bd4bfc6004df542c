/// The query API's answer as read: its status (and error), the result's series, and the server's warnings.
public struct PromResponse: Sendable, Equatable {
    public var status: String?
    public var errorType: String?
    public var error: String?
    public var resultType: String?
    public var series: [PromSeries] = []
    public var warnings: [String] = []

    public init() {}
}
