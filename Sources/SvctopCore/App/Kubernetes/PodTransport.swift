/// How `svctop k8s` reaches the pods it watches.
public enum PodTransport: String, Sendable, Codable, CaseIterable {
    /// Through the API server's pod proxy (`kubectl proxy`): nothing per pod to keep alive.
    case proxy
    /// Through one supervised `kubectl port-forward` per pod, to a free loopback port.
    case portForward = "port-forward"
}
