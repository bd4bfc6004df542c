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
