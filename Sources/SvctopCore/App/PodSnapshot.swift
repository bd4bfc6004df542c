/// The pod fields of a snapshot's instance in `svctop k8s` (docs/snapshot.md), encoded beside the others.
public struct PodSnapshot: Sendable, Encodable, Equatable {
    public var namespace: String
    public var pod: String
    public var uid: String
    public var node: String?
    public var phase: String
    /// The pod was deleted (its row is kept for the grace period).
    public var gone: Bool
    public var lastTermination: PodTermination?
    /// `service`, `pod_spec` or `config`; nil when no limit is known.
    public var memoryLimitSource: String?

    enum CodingKeys: String, CodingKey {
        case namespace, pod, uid, node, phase, gone
        case lastTermination = "last_termination", memoryLimitSource = "memory_limit_source"
    }
    enum TerminationKeys: String, CodingKey {
        case reason, exitCode = "exit_code", finishedAt = "finished_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(pod, forKey: .pod)
        try c.encode(uid, forKey: .uid)
        try c.encode(node, forKey: .node)
        try c.encode(phase, forKey: .phase)
        try c.encode(gone, forKey: .gone)
        if let t = lastTermination {
            var n = c.nestedContainer(keyedBy: TerminationKeys.self, forKey: .lastTermination)
            try n.encode(t.reason, forKey: .reason)
            try n.encode(t.exitCode, forKey: .exitCode)
            try n.encode(t.finishedAt.map(Self.rfc3339), forKey: .finishedAt)
        } else {
            try c.encodeNil(forKey: .lastTermination)
        }
        try c.encode(memoryLimitSource, forKey: .memoryLimitSource)
    }

    /// Seconds since the epoch as RFC 3339 UTC ("2026-12-02T21:39:29Z").
    static func rfc3339(_ t: Double) -> String { UTCTime.text(t, separator: "T") }
}
