/// Reads the table `go tool pprof -top -unit=ns` (or `-unit=B`) prints: one row per function with exact integer
/// values, for comparing svctop's top list with pprof's own.
public enum PprofTopText {
    public struct Row: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var flat: Int64
        public var cum: Int64

        public init(name: String, flat: Int64, cum: Int64) {
            self.name = name
            self.flat = flat
            self.cum = cum
        }

        public var description: String { "\(name) flat=\(flat) cum=\(cum)" }
    }

    public static func parse(_ text: String) -> [Row] {
        var rows: [Row] = []
        var inTable = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "flat" && fields.contains("cum") {
                inTable = true
                continue
            }
            guard inTable, fields.count >= 6, let flat = value(fields[0]), let cum = value(fields[3]) else { continue }
            var name = fields[5...].joined(separator: " ")
            // pprof marks a function inlined at every call site " (inline)", and at some " (partial-inline)".
            for mark in [" (inline)", " (partial-inline)"] where name.hasSuffix(mark) { name.removeLast(mark.count) }
            rows.append(Row(name: name, flat: flat, cum: cum))
        }
        return rows
    }

    /// The rows `go tool pprof -top` keeps by default: it drops functions whose cum is at most 0.5% of the total
    /// (`-nodefraction=0.005`).
    public static func keptByPprof(_ rows: [Row], total: Int64) -> [Row] {
        let cutoff = Int64(Double(total) * 0.005)
        return rows.filter { abs($0.cum) > cutoff }
    }

    /// "910000000ns", "3346430B", "0".
    static func value(_ field: Substring) -> Int64? {
        let digits = field.prefix { $0 == "-" || $0.isNumber }
        return Int64(digits)
    }
}
