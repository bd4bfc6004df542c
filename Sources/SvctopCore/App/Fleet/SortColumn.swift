/// Columns the fleet can be sorted by.
public enum SortColumn: String, Sendable, CaseIterable {
    case severity, name, goroutines, memory, p50, p99, rate, errors, pool, db, age

    public var title: String {
        switch self {
        case .severity: return "severity"
        case .name: return "name"
        case .goroutines: return "goroutines"
        case .memory: return "memory"
        case .p50: return "p50"
        case .p99: return "p99"
        case .rate: return "req/s"
        case .errors: return "errors"
        case .pool: return "pool"
        case .db: return "db"
        case .age: return "age"
        }
    }
}
