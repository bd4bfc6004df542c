/// A pod to forward to: who it is, and which of its ports.
public struct PodForward: Sendable, Equatable {
    public var namespace: String
    public var pod: String
    public var ports: [Int]

    public init(namespace: String, pod: String, ports: [Int]) {
        self.namespace = namespace
        self.pod = pod
        self.ports = ports
    }
}
