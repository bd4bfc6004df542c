/// Which screen is shown.
public enum View: Sendable, Equatable {
    case fleet
    case instance(InstanceID)
    case dump
    /// A CPU or heap profile.
    case pprof
    case help
}
