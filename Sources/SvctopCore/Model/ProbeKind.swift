/// Which probe a result belongs to.
public enum ProbeKind: String, Sendable, Equatable { case liveness, readiness }
