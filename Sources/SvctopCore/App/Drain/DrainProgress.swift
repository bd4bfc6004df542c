/// The progress of a drain that svctop started.
public struct DrainProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        case requested, accepted, readinessFailing = "readiness failing", inflightFalling = "in-flight falling"
        case drained, failed, timedOut = "timed out"
    }
    public var phase: Phase
    public var startedAt: Double
    public var updatedAt: Double
    public var inflightAtStart: Double?
    public var message: String

    public var isFinished: Bool { phase == .drained || phase == .failed || phase == .timedOut }
}
