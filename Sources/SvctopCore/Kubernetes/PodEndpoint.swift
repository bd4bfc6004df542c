/// A port and an HTTP path on a pod.
public struct PodEndpoint: Sendable, Equatable, Codable {
    public var port: Int
    public var path: String

    public init(port: Int, path: String) {
        self.port = port
        self.path = path
    }
}
