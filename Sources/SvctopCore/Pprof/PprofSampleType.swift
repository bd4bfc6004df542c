/// What a profile's values measure: `cpu` in `nanoseconds`, `inuse_space` in `bytes`, `samples` in `count`.
public struct PprofSampleType: Sendable, Equatable {
    public var name: String
    public var unit: String

    public init(name: String, unit: String) {
        self.name = name
        self.unit = unit
    }

    /// A value in this type's unit for a narrow cell: "1.24s", "350ms", "12.5Mi", "1.2k".
    public func format(_ value: Int64) -> String { format(Double(value)) }

    public func format(_ value: Double) -> String {
        let sign = value < 0 ? "-" : ""
        let a = abs(value)
        switch unit {
        case "nanoseconds":
            if a == 0 { return "0" }
            return sign + ByteFormat.duration(a / 1e9)
        case "bytes":
            return a == 0 ? "0" : sign + ByteFormat.bytes(a)
        case "microseconds":
            return a == 0 ? "0" : sign + ByteFormat.duration(a / 1e6)
        default:
            return sign + ByteFormat.count(a)
        }
    }
}
