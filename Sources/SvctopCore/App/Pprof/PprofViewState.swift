/// The profile screen: a decoded profile, its top list in the chosen sample type and order, the functions peeked
/// at, search and the comparison with an earlier profile.
public struct PprofViewState: Sendable, Equatable {
    public var instance: InstanceID
    public var fetchedAt: Double
    /// The profile as served (gzip-compressed protobuf), saved as is.
    public var raw: [UInt8]
    public var profile: PprofProfile
    public var sampleType: Int
    public var order = PprofOrder.flat
    /// The top list of `sampleType` in `order`, computed when either changes.
    public var table: PprofTable
    /// The selected row of the current list (top list, peek lines or comparison).
    public var cursor = 0
    /// The top list's cursor, kept while peeking.
    public var tableCursor = 0
    /// Functions peeked at (`Enter`), the current one last; `back` returns to the previous one.
    public var peeks: [PprofPeek] = []
    public var search = ""
    public var isEditingSearch = false
    /// Rows of the current list whose function matches the search.
    public var matches: [Int] = []
    public var comparison: [PprofDelta]?
    public var comparedWith: String?
    public var savedPath: String?

    public init(instance: InstanceID, fetchedAt: Double, raw: [UInt8], profile: PprofProfile) {
        self.instance = instance
        self.fetchedAt = fetchedAt
        self.raw = raw
        self.profile = profile
        self.sampleType = profile.defaultSampleType
        self.table = PprofTable.top(profile, type: profile.defaultSampleType, order: .flat)
    }

    public var kind: PprofKind { profile.kind }
    public var currentSampleType: PprofSampleType { profile.sampleTypes[sampleType] }
    public var peek: PprofPeek? { peeks.last }

    /// A line of the peek list: a caller, the function itself, or a callee.
    public enum PeekLine: Sendable, Equatable {
        case caller(PprofPeek.Edge)
        case focus
        case callee(PprofPeek.Edge)

        public var function: Int? {
            switch self {
            case .caller(let e), .callee(let e): return e.function
            case .focus: return nil
            }
        }
    }

    public var peekLines: [PeekLine] {
        guard let peek else { return [] }
        return peek.callers.map(PeekLine.caller) + [.focus] + peek.callees.map(PeekLine.callee)
    }

    /// Number of rows in the current list.
    public var rowCount: Int {
        if let comparison { return comparison.count }
        if peek != nil { return peekLines.count }
        return table.rows.count
    }

    /// The function names of the current list's rows, for the search.
    func rowNames() -> [String] {
        if let comparison { return comparison.map(\.name) }
        if let peek {
            return peekLines.map { profile.functions[$0.function ?? peek.function].name }
        }
        return table.rows.map { profile.functions[$0.function].name }
    }

    /// Recomputes the top list for the current sample type and order, keeping the selected function selected.
    public mutating func recompute() {
        let selected = table.rows.indices.contains(tableCursor) ? table.rows[tableCursor].function : nil
        table = PprofTable.top(profile, type: sampleType, order: order)
        tableCursor = selected.flatMap { f in table.rows.firstIndex { $0.function == f } } ?? 0
        if let current = peeks.last { peeks = [PprofPeek.of(profile, function: current.function, type: sampleType)] }
        if peek == nil { cursor = tableCursor }
        updateMatches()
    }

    /// Recomputes `matches` for `search` (case-insensitive, over function names).
    public mutating func updateMatches() {
        guard !search.isEmpty else {
            matches = []
            return
        }
        let needle = search.lowercased()
        matches = rowNames().enumerated().filter { $0.element.lowercased().contains(needle) }.map(\.offset)
    }
}
