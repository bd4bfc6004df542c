/// How the profile's top list is sorted: by a function's own value, or by everything below it.
public enum PprofOrder: String, Sendable, Equatable {
    case flat
    case cum
}
