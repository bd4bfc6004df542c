/// An HTTP method and path of one endpoint of a service.
public struct Endpoint: Sendable, Equatable, Codable {
    public var method: String
    public var path: String
    public init(_ method: String, _ path: String) {
        self.method = method
        self.path = path
    }
}
