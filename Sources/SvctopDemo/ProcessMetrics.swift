import Foundation
import Prometheus

/// Metric handles of one process lifetime (recreated on a simulated restart, so counters reset).
final class ProcessMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    let goroutines, threads, rss, heapInuse, memLimit, inflight, startTime: Gauge
    let workersBusy, workersMax, queueDepth, queueCapacity: Gauge
    let dbInUse, dbIdle, dbOpen, dbMaxOpen: Gauge
    let rejected, dbWaitCount, dbWaitDuration: Counter
    var histograms: [String: ValueHistogram] = [:]
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    init(limit: Double, startedAt: Double) {
        goroutines = registry.makeGauge(
            descriptor: Self.named("go_goroutines", "Number of goroutines that currently exist."))
        threads = registry.makeGauge(descriptor: Self.named("go_threads", "Number of OS threads created."))
        rss = registry.makeGauge(
            descriptor: Self.named("process_resident_memory_bytes", "Resident memory size in bytes."))
        heapInuse = registry.makeGauge(
            descriptor: Self.named("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use."))
        memLimit = registry.makeGauge(
            descriptor: Self.named("go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user."))
        inflight = registry.makeGauge(
            descriptor: Self.named("http_requests_in_flight", "Current number of HTTP requests being served."))
        startTime = registry.makeGauge(
            descriptor: Self.named(
                "process_start_time_seconds", "Start time of the process since unix epoch in seconds."))
        workersBusy = registry.makeGauge(
            descriptor: Self.named("workerpool_workers_busy", "Workers currently running a job."))
        workersMax = registry.makeGauge(descriptor: Self.named("workerpool_workers_max", "Size of the worker pool."))
        queueDepth = registry.makeGauge(descriptor: Self.named("workerpool_queue_depth", "Jobs waiting for a worker."))
        queueCapacity = registry.makeGauge(
            descriptor: Self.named("workerpool_queue_capacity", "Capacity of the job queue."))
        rejected = registry.makeCounter(
            descriptor: Self.named("workerpool_rejected_total", "Jobs rejected because the queue was full."))
        dbInUse = registry.makeGauge(
            descriptor: Self.named("go_sql_in_use_connections", "The number of connections currently in use."),
            labels: [("db_name", "orders")])
        dbIdle = registry.makeGauge(
            descriptor: Self.named("go_sql_idle_connections", "The number of idle connections."),
            labels: [("db_name", "orders")])
        dbOpen = registry.makeGauge(
            descriptor: Self.named(
                "go_sql_open_connections", "The number of established connections both in use and idle."),
            labels: [("db_name", "orders")])
        dbMaxOpen = registry.makeGauge(
            descriptor: Self.named(
                "go_sql_max_open_connections", "Maximum number of open connections to the database."),
            labels: [("db_name", "orders")])
        dbWaitCount = registry.makeCounter(
            descriptor: Self.named("go_sql_wait_count_total", "The total number of connections waited for."),
            labels: [("db_name", "orders")])
        dbWaitDuration = registry.makeCounter(
            descriptor: Self.named(
                "go_sql_wait_duration_seconds_total", "The total time blocked waiting for a new connection."),
            labels: [("db_name", "orders")])
        memLimit.set(limit)
        startTime.set(startedAt.rounded(.down))
    }

    /// A metric's name as the registry takes it: the whole name, no unit appended.
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func observe(handler: String, method: String, code: Int, seconds: Double) {
        let key = "\(handler) \(method) \(code)"
        let histogram: ValueHistogram
        if let h = histograms[key] {
            histogram = h
        } else {
            histogram = registry.makeValueHistogram(
                descriptor: Self.named("http_request_duration_seconds", "A histogram of latencies for requests."),
                labels: [("code", String(code)), ("handler", handler), ("method", method)],
                buckets: ProcessMetrics.buckets)
            histograms[key] = histogram
        }
        histogram.record(seconds)
    }
}
