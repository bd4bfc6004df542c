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
