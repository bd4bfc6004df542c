/// A setup problem reported before the terminal is touched (exit status 2).
struct SetupError: Error, CustomStringConvertible {
    var description: String
}
