/// How many goroutines a simulated service has at each code site.
struct GoroutinePopulation: Sendable {
    var httpConnections: Int
    var workers: Int
    var queued: Int
    var leaked: Int
    var dbWaiters: Int
    var uptimeMinutes: Int
    var leakMinutes: Int
}
