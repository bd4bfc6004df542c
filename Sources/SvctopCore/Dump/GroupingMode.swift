/// How strictly stacks are grouped.
public enum GroupingMode: String, Sendable, Equatable {
    /// Same state, same frames, same argument values.
    case exact
    /// Same frames; argument values, pointers and wait times may differ (states are counted per group).
    case loose
}
