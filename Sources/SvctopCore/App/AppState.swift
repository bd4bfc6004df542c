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
    public var pprofView: PprofViewState?
    public var loadingProfile: PprofLoading?
    /// Recent profiles per instance and kind (two at most each), for comparison.
    public var storedProfiles: [StoredPprof] = []
    /// Levels svctop changed: instance → the level before svctop's first change.
    public var changedLevels: [InstanceID: String] = [:]
    /// Timed reverts: instance → (level to restore, when).
    public var levelReverts: [InstanceID: (level: String, at: Double)] = [:]
    /// Actions waiting for their answer: instance → what and since when.
    public var pendingActions: [InstanceID: (kind: ActionKind, since: Double)] = [:]
    public var isQuitting = false
    /// The source of the fleet when it is a server rather than the target list; nil for direct scraping.
    public var source: SourceState?
    /// The profile a source's instances are read with.
    public var sourceProfile: Profile?
    /// The Kubernetes selection the fleet is made of (`svctop k8s`); nil otherwise.
    public var kubernetes: KubernetesState?
    /// Set while a recording is replayed (`svctop replay`): the status bar shows the recorded time.
    public var replay: ReplayStatus?

    public init(targets: [Target], settings: Settings = Settings(), keyMap: KeyMap = .standard, now: Double) {
        self.settings = settings
        self.keyMap = settings.isReadOnly ? keyMap.removingMutations() : keyMap
        self.instances = targets.enumerated().map {
            InstanceState(id: $0.offset, target: $0.element, settings: settings)
        }
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
        case .pprof: return .pprof
        case .help: return .help
        }
    }

    /// The instance an instance-level action applies to: the open instance, or the fleet selection.
    public var focusedInstance: InstanceID? {
        switch view {
        case .instance(let id): return id
        case .dump: return dumpView?.instance
        case .pprof: return pprofView?.instance
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
}
