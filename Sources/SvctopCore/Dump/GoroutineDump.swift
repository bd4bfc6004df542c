/// One stack frame: a function and where it was executing.
public struct StackFrame: Sendable, Hashable {
    /// Fully qualified function, e.g. `net/http.(*conn).serve`, without arguments.
    public var function: String
    public var file: String
    public var line: Int
    /// True for the Go runtime and standard library (dimmed in the view).
    public var isStandardLibrary: Bool
    /// True for the `...additional frames elided...` / `...N frames elided...` marker.
    public var isElided: Bool

    public init(function: String, file: String, line: Int, isElided: Bool = false) {
        self.function = function
        self.file = file
        self.line = line
        self.isElided = isElided
        self.isStandardLibrary = isElided || StackFrame.isStandardLibrary(function: function, file: file)
    }

    /// `file.go:123` with the directory dropped.
    public var shortLocation: String {
        if isElided { return "" }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return "\(base):\(line)"
    }

    /// The function without its import path: `watch.(*OrderWatcher).watch.func1`.
    public var shortFunction: String {
        guard let slash = function.lastIndex(of: "/") else { return function }
        return String(function[function.index(after: slash)...])
    }

    /// `file:line`, the full location.
    public var location: String { isElided ? "" : "\(file):\(line)" }

    /// A package is the standard library when the first element of its import path has no dot (`net/http`,
    /// `runtime`), except `main`; a file under a Go root (`/go/src/`, `/usr/lib/go`) is too.
    static func isStandardLibrary(function: String, file: String) -> Bool {
        if function.hasPrefix("main.") { return false }
        if file.contains("/usr/local/go/src/") || file.contains("/usr/lib/go/src/") || file.contains("/usr/lib/go-") {
            return true
        }
        let firstElement: Substring
        if let firstSlash = function.firstIndex(of: "/") {
            firstElement = function[..<firstSlash]
        } else {
            // No slash: the package is before the first dot.
            let dot = function.firstIndex(of: ".") ?? function.endIndex
            firstElement = function[..<dot]
            return !firstElement.contains(".") && firstElement != "main"
        }
        return !firstElement.contains(".")
    }
}

/// Goroutines that share a stack (under the chosen grouping).
public struct GoroutineGroup: Sendable, Equatable {
    /// Number of goroutines.
    public var count: Int
    /// State → number of goroutines in it (`select`, `chan receive`, `IO wait`, ...).
    public var states: [String: Int]
    /// Shortest and longest wait, in minutes, when the dump says (debug=2).
    public var waitMinutes: ClosedRange<Int>?
    /// Goroutines locked to their OS thread.
    public var lockedToThread: Int
    /// Frames, innermost first.
    public var frames: [StackFrame]
    /// The `created by` frame.
    public var createdBy: StackFrame?
    /// Up to 5 goroutine ids of the group (debug=2).
    public var sampleIDs: [Int]
    /// Argument lists of the first goroutine, per frame, when known (debug=2).
    public var arguments: [String]

    /// The states sorted by count, most common first.
    public var stateSummary: String {
        states.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key).joined(separator: ", ")
    }

    /// The innermost frame of the application's own code (not runtime or standard library).
    public var topApplicationFrame: StackFrame? { frames.first { !$0.isStandardLibrary } }

    /// A key that identifies the stack across dumps (functions and locations), for comparing dumps.
    public var signature: String {
        var s = frames.map { "\($0.function)@\($0.location)" }.joined(separator: "|")
        if let c = createdBy { s += "<" + c.function + "@" + c.location }
        return s
    }
}

/// How strictly stacks are grouped.
public enum GroupingMode: String, Sendable, Equatable {
    /// Same state, same frames, same argument values.
    case exact
    /// Same frames; argument values, pointers and wait times may differ (states are counted per group).
    case loose
}

/// A parsed and grouped goroutine dump (`/debug/pprof/goroutine?debug=1` or `?debug=2`).
public struct GoroutineDump: Sendable, Equatable {
    public var debugLevel: Int
    /// Goroutines in the dump.
    public var total: Int
    /// Groups, largest first.
    public var groups: [GoroutineGroup]
    public var mode: GroupingMode
    /// Lines that could not be understood (garbage, truncation); the rest of the dump is still used.
    public var skippedLines: Int
    /// The `goroutine profile: total N` header value (debug=1), when present.
    public var declaredTotal: Int?

    public init(debugLevel: Int, total: Int, groups: [GoroutineGroup], mode: GroupingMode, skippedLines: Int,
                declaredTotal: Int? = nil) {
        self.debugLevel = debugLevel
        self.total = total
        self.groups = groups
        self.mode = mode
        self.skippedLines = skippedLines
        self.declaredTotal = declaredTotal
    }
}
