/// A mutating action on a service.
public enum ActionKind: Sendable, Equatable {
    case setLogLevel(String)
    case drain
    case undrain

    public var name: String {
        switch self {
        case .setLogLevel: return "set_log_level"
        case .drain: return "drain"
        case .undrain: return "undrain"
        }
    }
}
