/// What a key does, named by intent.
public enum Action: String, Sendable, CaseIterable, Hashable {
    case moveUp, moveDown, pageUp, pageDown, moveHome, moveEnd
    case open, back, quit, help
    case filter, sortNext, sortReverse
    case toggleHandlers
    case fetchDump, fetchFullDump
    case chooseLogLevel, chooseLogLevelForAll
    case drain, undrain
    case saveDump, compareDump, toggleGrouping, search, nextMatch, previousMatch
    case suspend
    // Dialog answers.
    case confirm, overrideGuard
    case levelDebug, levelInfo, levelWarn, levelError, levelDebugTimed
    case quitWithoutRestore

    /// True for actions that change something on a service. These are removed in read-only mode.
    public var isMutating: Bool {
        switch self {
        case .chooseLogLevel, .chooseLogLevelForAll, .drain, .undrain, .overrideGuard: return true
        case .levelDebug, .levelInfo, .levelWarn, .levelError, .levelDebugTimed: return true
        default: return false
        }
    }

    /// One line for the help screen.
    public var summary: String {
        switch self {
        case .moveUp: return "move up"
        case .moveDown: return "move down"
        case .pageUp: return "page up"
        case .pageDown: return "page down"
        case .moveHome: return "first row"
        case .moveEnd: return "last row"
        case .open: return "open instance / expand group"
        case .back: return "back"
        case .quit: return "quit (or back from a sub-view)"
        case .help: return "this help"
        case .filter: return "filter instances (substring or regex)"
        case .sortNext: return "next sort column"
        case .sortReverse: return "reverse sort"
        case .toggleHandlers: return "per-handler latency"
        case .fetchDump: return "goroutine dump (debug=1, cheap)"
        case .fetchFullDump: return "full goroutine dump (debug=2, stops the world)"
        case .chooseLogLevel: return "set log level"
        case .chooseLogLevelForAll: return "set log level on all shown instances"
        case .drain: return "drain instance"
        case .undrain: return "undrain instance"
        case .saveDump: return "save raw dump to a file"
        case .compareDump: return "compare with previous dump"
        case .toggleGrouping: return "exact / loose grouping"
        case .search: return "search functions and files"
        case .nextMatch: return "next match"
        case .previousMatch: return "previous match"
        case .suspend: return "suspend (fg resumes)"
        case .confirm: return "confirm (any key not listed here cancels)"
        case .overrideGuard: return "override a guard rail (then confirm)"
        case .levelDebug: return "debug"
        case .levelInfo: return "info"
        case .levelWarn: return "warn"
        case .levelError: return "error"
        case .levelDebugTimed: return "debug for a while, then back (timed_debug setting)"
        case .quitWithoutRestore: return "quit, leave the levels as they are"
        }
    }
}

/// Where a binding applies: a view, or the dialog that has the keyboard.
public enum KeyContext: String, Sendable, CaseIterable, Hashable {
    case fleet, instance, dump, help
    /// A confirmation (drain, undrain, log level, full dump).
    case dialog
    /// The log-level chooser.
    case levelChooser
    /// The question on quit after svctop changed log levels.
    case quitDialog

    /// The title of this context on the help screen.
    public var title: String {
        switch self {
        case .fleet: return "Fleet"
        case .instance: return "Instance"
        case .dump: return "Goroutine dump"
        case .help: return "Help"
        case .dialog: return "Confirmation dialogs"
        case .levelChooser: return "Log-level chooser"
        case .quitDialog: return "Restore levels on quit"
        }
    }
}

/// One key bound to one action in some contexts.
public struct KeyBinding: Sendable, Equatable {
    public var key: Key
    public var action: Action
    public var contexts: Set<KeyContext>
    public init(_ key: Key, _ action: Action, _ contexts: Set<KeyContext>) {
        self.key = key
        self.action = action
        self.contexts = contexts
    }
}

/// The table that both dispatches keys and generates the help screen and status-bar hints.
public struct KeyMap: Sendable, Equatable {
    public private(set) var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    private static let all: Set<KeyContext> = [.fleet, .instance, .dump, .help]
    private static let lists: Set<KeyContext> = [.fleet, .instance, .dump, .help]
    private static let instanceActions: Set<KeyContext> = [.fleet, .instance]

    /// The default bindings: vim keys and arrows both work.
    public static let standard = KeyMap(bindings: [
        KeyBinding(.char("k"), .moveUp, lists), KeyBinding(.up, .moveUp, lists),
        KeyBinding(.char("j"), .moveDown, lists), KeyBinding(.down, .moveDown, lists),
        KeyBinding(.pageUp, .pageUp, lists), KeyBinding(.ctrl("b"), .pageUp, lists),
        KeyBinding(.pageDown, .pageDown, lists), KeyBinding(.ctrl("f"), .pageDown, lists),
        KeyBinding(.home, .moveHome, lists), KeyBinding(.char("g"), .moveHome, [.help]),
        KeyBinding(.end, .moveEnd, lists), KeyBinding(.char("G"), .moveEnd, [.help]),
        KeyBinding(.enter, .open, [.fleet, .dump]),
        KeyBinding(.escape, .back, [.instance, .dump, .help]), KeyBinding(.left, .back, [.instance, .help]),
        KeyBinding(.char("q"), .quit, all),
        KeyBinding(.char("?"), .help, [.fleet, .instance, .dump]), KeyBinding(.function(1), .help, [.fleet, .instance, .dump]),
        KeyBinding(.char("/"), .filter, [.fleet]), KeyBinding(.char("/"), .search, [.dump]),
        KeyBinding(.char("s"), .sortNext, [.fleet]), KeyBinding(.char("S"), .sortReverse, [.fleet]),
        KeyBinding(.char("h"), .toggleHandlers, [.instance]),
        KeyBinding(.char("g"), .fetchDump, instanceActions), KeyBinding(.char("G"), .fetchFullDump, instanceActions),
        KeyBinding(.char("l"), .chooseLogLevel, instanceActions), KeyBinding(.char("L"), .chooseLogLevelForAll, [.fleet]),
        KeyBinding(.char("D"), .drain, instanceActions), KeyBinding(.char("U"), .undrain, instanceActions),
        KeyBinding(.char("s"), .saveDump, [.dump]), KeyBinding(.char("c"), .compareDump, [.dump]),
        KeyBinding(.char("m"), .toggleGrouping, [.dump]),
        KeyBinding(.char("n"), .nextMatch, [.dump]), KeyBinding(.char("N"), .previousMatch, [.dump]),
        KeyBinding(.ctrl("z"), .suspend, all),
        KeyBinding(.char("y"), .confirm, [.dialog, .quitDialog]), KeyBinding(.char("O"), .overrideGuard, [.dialog]),
        KeyBinding(.char("d"), .levelDebug, [.levelChooser]), KeyBinding(.char("1"), .levelDebug, [.levelChooser]),
        KeyBinding(.char("i"), .levelInfo, [.levelChooser]), KeyBinding(.char("2"), .levelInfo, [.levelChooser]),
        KeyBinding(.char("w"), .levelWarn, [.levelChooser]), KeyBinding(.char("3"), .levelWarn, [.levelChooser]),
        KeyBinding(.char("e"), .levelError, [.levelChooser]), KeyBinding(.char("4"), .levelError, [.levelChooser]),
        KeyBinding(.char("t"), .levelDebugTimed, [.levelChooser]),
        KeyBinding(.char("n"), .quitWithoutRestore, [.quitDialog]),
    ])

    /// The action for a key in a context.
    public func action(for key: Key, in context: KeyContext) -> Action? {
        bindings.first { $0.key == key && $0.contexts.contains(context) }?.action
    }

    /// The keys bound to an action in a context, in table order.
    public func keys(for action: Action, in context: KeyContext? = nil) -> [Key] {
        bindings.filter { $0.action == action && (context == nil || $0.contexts.contains(context!)) }.map(\.key)
    }

    /// The same map without any mutating action (read-only mode).
    public func removingMutations() -> KeyMap {
        KeyMap(bindings: bindings.filter { !$0.action.isMutating })
    }

    /// Rebinds an action to new keys (replacing its old keys in the same contexts). Keys the new binding takes
    /// are removed from other actions in those contexts, so dispatch stays unambiguous.
    public mutating func rebind(_ action: Action, to keys: [Key]) {
        let contexts = bindings.filter { $0.action == action }.reduce(into: Set<KeyContext>()) { $0.formUnion($1.contexts) }
        guard !contexts.isEmpty else { return }
        bindings.removeAll { $0.action == action }
        for key in keys {
            for i in bindings.indices where bindings[i].key == key {
                bindings[i].contexts.subtract(contexts)
            }
            bindings.removeAll { $0.contexts.isEmpty }
            bindings.append(KeyBinding(key, action, contexts))
        }
    }
}
