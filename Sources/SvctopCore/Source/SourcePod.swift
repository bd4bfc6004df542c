/// The pod behind a source's instance, from its series' `namespace` and `pod` labels.
public struct SourcePod: Sendable, Equatable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
