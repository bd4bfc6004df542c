/// How bad an instance looks; ordered so that sorting descending puts the worst first.
public enum Severity: Int, Sendable, Comparable, CaseIterable {
    case ok = 0, warning = 1, critical = 2, down = 3
    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
}
