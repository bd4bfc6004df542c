/// One function in a profile's top list: its own value (flat) and the value of every stack it is on (cum).
public struct PprofRow: Sendable, Equatable {
    public var function: Int
    public var flat: Int64
    public var cum: Int64

    public init(function: Int, flat: Int64, cum: Int64) {
        self.function = function
        self.flat = flat
        self.cum = cum
    }
}
