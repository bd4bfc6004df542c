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

    /// True when this binding is `action`'s in `context` (in any context when nil).
    func binds(_ action: Action, in context: KeyContext?) -> Bool {
        self.action == action && (context.map { contexts.contains($0) } ?? true)
    }
}

/// The table that both dispatches keys and generates the help screen and status-bar hints.
public struct KeyMap: Sendable, Equatable {
    public private(set) var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    /// Every view (dialogs answer from their own contexts).
    private static let all: Set<KeyContext> = [.fleet, .instance, .dump, .pprof, .help]
    private static let instanceActions: Set<KeyContext> = [.fleet, .instance]

    /// The default bindings: vim keys and arrows both work.
    public static let standard = KeyMap(bindings: [
        KeyBinding(.char("k"), .moveUp, all), KeyBinding(.up, .moveUp, all),
        KeyBinding(.char("j"), .moveDown, all), KeyBinding(.down, .moveDown, all),
        KeyBinding(.pageUp, .pageUp, all), KeyBinding(.ctrl("b"), .pageUp, all),
        KeyBinding(.pageDown, .pageDown, all), KeyBinding(.ctrl("f"), .pageDown, all),
        KeyBinding(.home, .moveHome, all), KeyBinding(.char("g"), .moveHome, [.help]),
        KeyBinding(.end, .moveEnd, all), KeyBinding(.char("G"), .moveEnd, [.help]),
        KeyBinding(.enter, .open, [.fleet, .dump]), KeyBinding(.enter, .peek, [.pprof]),
        KeyBinding(.escape, .back, [.instance, .dump, .pprof, .help]),
        KeyBinding(.left, .back, [.instance, .pprof, .help]),
        KeyBinding(.char("q"), .quit, all),
        KeyBinding(.char("?"), .help, [.fleet, .instance, .dump, .pprof]),
        KeyBinding(.function(1), .help, [.fleet, .instance, .dump, .pprof]),
        KeyBinding(.char("/"), .filter, [.fleet]), KeyBinding(.char("/"), .search, [.dump, .pprof]),
        KeyBinding(.char("s"), .sortNext, [.fleet]), KeyBinding(.char("S"), .sortReverse, [.fleet]),
        KeyBinding(.char("h"), .toggleHandlers, [.instance]),
        KeyBinding(.char("g"), .fetchDump, instanceActions), KeyBinding(.char("G"), .fetchFullDump, instanceActions),
        KeyBinding(.char("l"), .chooseLogLevel, instanceActions),
        KeyBinding(.char("L"), .chooseLogLevelForAll, [.fleet]),
        KeyBinding(.char("D"), .drain, instanceActions), KeyBinding(.char("U"), .undrain, instanceActions),
        KeyBinding(.char("s"), .saveDump, [.dump]), KeyBinding(.char("c"), .compareDump, [.dump]),
        KeyBinding(.char("m"), .toggleGrouping, [.dump]),
        KeyBinding(.char("p"), .cpuProfile, instanceActions), KeyBinding(.char("H"), .heapProfile, instanceActions),
        KeyBinding(.char("o"), .profileOrder, [.pprof]), KeyBinding(.char("i"), .sampleType, [.pprof]),
        KeyBinding(.char("s"), .saveProfile, [.pprof]), KeyBinding(.char("c"), .compareProfile, [.pprof]),
        KeyBinding(.char("n"), .nextMatch, [.dump, .pprof]), KeyBinding(.char("N"), .previousMatch, [.dump, .pprof]),
        KeyBinding(.ctrl("z"), .suspend, all),
        KeyBinding(.char("B"), .bundle, [.fleet, .instance]),
        KeyBinding(.char("y"), .confirm, [.dialog, .quitDialog, .profileDialog]),
        KeyBinding(.enter, .confirm, [.profileDialog]),
        KeyBinding(.char("+"), .longerProfile, [.profileDialog]), KeyBinding(.right, .longerProfile, [.profileDialog]),
        KeyBinding(.char("-"), .shorterProfile, [.profileDialog]), KeyBinding(.left, .shorterProfile, [.profileDialog]),
        KeyBinding(.char("O"), .overrideGuard, [.dialog]),
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
        bindings.filter { $0.binds(action, in: context) }.map(\.key)
    }

    /// The first key bound to an action in a context, in table order, without collecting the others (the status
    /// bar asks for a key per hint at every frame).
    public func key(for action: Action, in context: KeyContext? = nil) -> Key? {
        bindings.first { $0.binds(action, in: context) }?.key
    }

    /// The same map without any mutating action (read-only mode).
    public func removingMutations() -> KeyMap {
        KeyMap(bindings: bindings.filter { !$0.action.isMutating })
    }

    /// Rebinds an action to new keys (replacing its old keys in the same contexts). Keys the new binding takes
    /// are removed from other actions in those contexts, so dispatch stays unambiguous.
    public mutating func rebind(_ action: Action, to keys: [Key]) {
        let contexts = bindings.filter { $0.action == action }.reduce(into: Set<KeyContext>()) {
            $0.formUnion($1.contexts)
        }
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
