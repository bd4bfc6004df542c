/// `--port`: the metrics port by container-port name or by number.
public enum PortChoice: Sendable, Equatable {
    case number(Int)
    case name(String)

    /// "9090" is a number, anything else a name.
    public init(_ text: String) {
        if let n = Int(text), (1...65535).contains(n) { self = .number(n) } else { self = .name(text) }
    }
}
