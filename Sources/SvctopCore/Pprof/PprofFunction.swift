/// A function named in a profile. Functions are merged by name, as `pprof -top` does by default.
public struct PprofFunction: Sendable, Equatable {
    public var name: String
    public var file: String
    /// The Go runtime and standard library (dimmed in the view, like the dump view's frames).
    public var isStandardLibrary: Bool

    public init(name: String, file: String) {
        self.name = name
        self.file = file
        self.isStandardLibrary = StackFrame.isStandardLibrary(function: name, file: file)
    }
}
