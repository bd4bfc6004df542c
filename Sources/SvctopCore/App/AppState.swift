/// Which screen is shown.
public enum View: Sendable, Equatable {
    case fleet
    case instance(InstanceID)
    case dump
    case help
}

/// Columns the fleet can be sorted by.
public enum SortColumn: String, Sendable, CaseIterable {
    case severity, name, goroutines, memory, p50, p99, rate, errors, pool, db, age

    public var title: String {
        switch self {
        case .severity: return "severity"
        case .name: return "name"
        case .goroutines: return "goroutines"
        case .memory: return "memory"
        case .p50: return "p50"
        case .p99: return "p99"
        case .rate: return "req/s"
        case .errors: return "errors"
        case .pool: return "pool"
        case .db: return "db"
        case .age: return "age"
        }
    }
}

/// The whole state of the dashboard. Pure data: `reduce` changes it and returns effects; rendering reads it.
///
/// Time is passed in with every event (`now`, seconds since the epoch), so a state replays deterministically.
public struct AppState: Sendable {
    public var settings: Settings
    public var keyMap: KeyMap
    public var instances: [InstanceState]
    public var now: Double
    public let startedAt: Double
    public var width = 80
    public var height = 24

    public var views: [View] = [.fleet]
    /// The selected instance in the fleet (stable across re-sorting).
    public var selected: InstanceID?
    public var fleetScroll = 0
    public var helpScroll = 0
    public var sort = SortColumn.severity
    /// True for the natural order of the column (worst/largest first, names A→Z).
    public var isSortReversed = false
    public var filter = ""
    public var isEditingFilter = false
    public var showHandlers = false

    public var dialog: Dialog?
    public var message: StatusMessage?
    public var dumpView: DumpViewState?
    public var loadingDump: (instance: InstanceID, debugLevel: Int, since: Double)?
    /// Recent dumps per instance (two at most each), for comparison.
    public var storedDumps: [StoredDump] = []
    /// Levels svctop changed: instance → the level before svctop's first change.
    public var changedLevels: [InstanceID: String] = [:]
    /// Timed reverts: instance → (level to restore, when).
    public var levelReverts: [InstanceID: (level: String, at: Double)] = [:]
    /// Actions waiting for their answer: instance → what and since when.
    public var pendingActions: [InstanceID: (kind: ActionKind, since: Double)] = [:]
    public var isQuitting = false

    public init(targets: [Target], settings: Settings = Settings(), keyMap: KeyMap = .standard, now: Double) {
        self.settings = settings
        self.keyMap = settings.isReadOnly ? keyMap.removingMutations() : keyMap
        self.instances = targets.enumerated().map { InstanceState(id: $0.offset, target: $0.element, settings: settings) }
        self.now = now
        self.startedAt = now
        self.selected = instances.first?.id
    }

    public var view: View { views.last ?? .fleet }

    /// The key-map context of the current view.
    public var keyContext: KeyContext {
        switch view {
        case .fleet: return .fleet
        case .instance: return .instance
        case .dump: return .dump
        case .help: return .help
        }
    }

    /// The instance an instance-level action applies to: the open instance, or the fleet selection.
    public var focusedInstance: InstanceID? {
        switch view {
        case .instance(let id): return id
        case .dump: return dumpView?.instance
        default: return selected
        }
    }

    public func instance(_ id: InstanceID) -> InstanceState? {
        instances.indices.contains(id) ? instances[id] : nil
    }

    /// The minimum terminal size the layouts are designed for.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var isTooSmall: Bool { width < AppState.minimumWidth || height < AppState.minimumHeight }

    /// Rows of the fleet table that fit on screen (below title, summary and header; above the status bar).
    public var fleetBodyHeight: Int { max(1, height - 5) }

    /// Rows of the dump list that fit on screen.
    public var dumpBodyHeight: Int { max(1, height - 5) }

    // MARK: - Fleet ordering

    /// Recomputes the cached assessment of one instance.
    mutating func refreshAssessment(_ id: InstanceID) {
        let (severity, reasons) = instances[id].assess(now: now, settings: settings)
        instances[id].severity = severity
        instances[id].reasons = reasons
    }

    /// The instances shown in the fleet, filtered and sorted. O(n log n); sorts ids, never copies instances.
    public func visibleInstances() -> [InstanceID] {
        let matcher = FilterMatcher(filter)
        var rows = instances.indices.filter { matcher.matches(instances[$0].name) || matcher.matches(instances[$0].target.baseURL) }
        func key(_ i: InstanceID) -> Double? {
            switch sort {
            case .severity, .name: return nil
            case .goroutines: return instances[i].reading?.goroutines
            case .memory: return instances[i].memoryRatio ?? instances[i].reading?.memory.map { $0 / 1e15 }
            case .p50: return instances[i].latency.p50
            case .p99: return instances[i].latency.p99
            case .rate: return instances[i].latency.rate
            case .errors: return instances[i].latency.errorRatio
            case .pool: return instances[i].poolRatio
            case .db: return instances[i].dbRatio
            case .age: return instances[i].age(now: now)
            }
        }
        // Sort small records, read once per instance: comparing instances directly would copy each (a large
        // value) at every comparison.
        struct Row {
            var id: InstanceID
            var name: String
            var severity: Severity
            var key: Double?
        }
        var records = rows.map { i in
            Row(id: i, name: instances[i].name, severity: instances[i].severity, key: key(i))
        }
        let reversed = isSortReversed
        let order = sort
        records.sort { a, b in
            switch order {
            case .name:
                return reversed ? (a.name, a.id) > (b.name, b.id) : (a.name, a.id) < (b.name, b.id)
            case .severity:
                if a.severity != b.severity { return reversed ? a.severity < b.severity : a.severity > b.severity }
                return (a.name, a.id) < (b.name, b.id)
            default:
                switch (a.key, b.key) {
                case (nil, nil): return (a.name, a.id) < (b.name, b.id)
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x != y { return reversed ? x < y : x > y }
                    return (a.name, a.id) < (b.name, b.id)
                }
            }
        }
        rows = records.map(\.id)
        return rows
    }

    /// Medians over the fleet of the columns checked for outliers.
    public func fleetMedians() -> (p99: Double?, goroutines: Double?, memory: Double?, errors: Double?) {
        func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let s = values.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let up = instances.indices.filter { instances[$0].status.isUp }
        return (
            median(up.compactMap { instances[$0].latency.p99 }), median(up.compactMap { instances[$0].reading?.goroutines }),
            median(up.compactMap { instances[$0].memoryRatio ?? instances[$0].reading?.memory }),
            median(up.compactMap { instances[$0].latency.errorRatio })
        )
    }

    /// Instances that are ready and not draining.
    public var readyInstances: [InstanceID] {
        instances.indices.filter { instances[$0].health.isReady == true && !instances[$0].health.isDraining && instances[$0].status.isUp }
    }
}

/// Matches fleet rows against the filter: a regex when the text compiles as one and has regex syntax, a
/// case-insensitive substring otherwise.
public struct FilterMatcher {
    let needle: String
    let regex: Regex<AnyRegexOutput>?

    public init(_ filter: String) {
        needle = filter.lowercased()
        let special = "^$.*+?()[]{}|\\"
        if filter.contains(where: { special.contains($0) }) {
            regex = (try? Regex(filter))?.ignoresCase()
        } else {
            regex = nil
        }
    }

    public func matches(_ text: String) -> Bool {
        if needle.isEmpty { return true }
        if let regex { return (try? regex.firstMatch(in: text)) != nil }
        return text.lowercased().contains(needle)
    }
}
