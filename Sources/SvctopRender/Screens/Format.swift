import SvctopCore

/// Shared formatting of instance values.
enum Format {
    static func optional(_ v: Double?, _ f: (Double) -> String, missing: String = "-") -> String {
        guard let v, v.isFinite || v == .infinity else { return missing }
        return f(v)
    }

    static func role(for severity: Severity) -> Role {
        switch severity {
        case .ok: return .text
        case .warning: return .warning
        case .critical: return .critical
        case .down: return .down
        }
    }

    static func ratioRole(_ r: Double?, warning: Double, critical: Double) -> Role {
        guard let r else { return .dim }
        if r >= critical { return .critical }
        if r >= warning { return .warning }
        return .good
    }

    /// "3s ago", or the age marked stale.
    static func age(_ instance: InstanceState, _ state: AppState) -> String {
        guard let age = instance.age(now: state.now) else { return instance.status == .pending ? "…" : "never" }
        if age < 10 { return "\(Int(age))s" }
        return ByteFormat.span(age)
    }
}
