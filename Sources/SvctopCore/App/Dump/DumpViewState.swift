/// The stack dump screen: a parsed dump, the cursor, expanded groups, search and comparison.
public struct DumpViewState: Sendable, Equatable {
    public var instance: InstanceID
    public var debugLevel: Int
    public var fetchedAt: Double
    public var raw: [UInt8]
    public var dump: GoroutineDump
    /// Index of the selected row (a group, or a delta in comparison mode).
    public var cursor = 0
    public var scroll = 0
    public var expanded: Set<Int> = []
    /// The search text; `isEditingSearch` while it is being typed.
    public var search = ""
    public var isEditingSearch = false
    /// Group indexes that match the search.
    public var matches: [Int] = []
    /// The comparison with an earlier dump, when shown.
    public var comparison: [GroupDelta]?
    public var comparedWith: String?
    public var savedPath: String?
    public var isRegrouping = false

    public init(instance: InstanceID, debugLevel: Int, fetchedAt: Double, raw: [UInt8], dump: GoroutineDump) {
        self.instance = instance
        self.debugLevel = debugLevel
        self.fetchedAt = fetchedAt
        self.raw = raw
        self.dump = dump
    }

    /// Number of rows in the current list.
    public var rowCount: Int { comparison?.count ?? dump.groups.count }

    /// Recomputes `matches` for `search` (case-insensitive, over function names and files).
    public mutating func updateMatches() {
        guard !search.isEmpty else {
            matches = []
            return
        }
        let needle = search.lowercased()
        let groups = comparison?.map(\.group) ?? dump.groups
        matches = groups.indices.filter { i in
            let g = groups[i]
            return g.frames.contains {
                $0.function.lowercased().contains(needle) || $0.file.lowercased().contains(needle)
            }
                || (g.createdBy.map { $0.function.lowercased().contains(needle) } ?? false)
        }
    }
}
