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
    case cpuProfile, heapProfile
    case peek, profileOrder, sampleType, saveProfile, compareProfile
    case suspend
    case bundle
    // Dialog answers.
    case confirm, overrideGuard
    case levelDebug, levelInfo, levelWarn, levelError, levelDebugTimed
    case quitWithoutRestore
    case longerProfile, shorterProfile

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
        case .cpuProfile: return "CPU profile (asks first: it costs the service CPU)"
        case .heapProfile: return "heap profile (in-use memory by function)"
        case .peek: return "callers and callees of the function"
        case .profileOrder: return "sort by flat / cum"
        case .sampleType: return "next sample type (in-use space, objects, alloc…)"
        case .saveProfile: return "save the raw profile (go tool pprof opens it)"
        case .compareProfile: return "compare with the previous profile (growth per minute)"
        case .longerProfile: return "longer profile"
        case .shorterProfile: return "shorter profile"
        case .suspend: return "suspend (fg resumes)"
        case .bundle: return "incident bundle of the last 30 minutes (recording, dumps, journal, snapshot)"
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
