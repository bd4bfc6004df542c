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
        goroutines = registry.makeGauge(name: "go_goroutines", help: "Number of goroutines that currently exist.")
        threads = registry.makeGauge(name: "go_threads", help: "Number of OS threads created.")
        rss = registry.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        heapInuse = registry.makeGauge(
            name: "go_memstats_heap_inuse_bytes", help: "Number of heap bytes that are in use.")
        memLimit = registry.makeGauge(
            name: "go_gc_gomemlimit_bytes", help: "Go runtime memory limit configured by the user.")
        inflight = registry.makeGauge(
            name: "http_requests_in_flight", help: "Current number of HTTP requests being served.")
        startTime = registry.makeGauge(
            name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
        workersBusy = registry.makeGauge(name: "workerpool_workers_busy", help: "Workers currently running a job.")
        workersMax = registry.makeGauge(name: "workerpool_workers_max", help: "Size of the worker pool.")
        queueDepth = registry.makeGauge(name: "workerpool_queue_depth", help: "Jobs waiting for a worker.")
        queueCapacity = registry.makeGauge(name: "workerpool_queue_capacity", help: "Capacity of the job queue.")
        rejected = registry.makeCounter(
            name: "workerpool_rejected_total", help: "Jobs rejected because the queue was full.")
        dbInUse = registry.makeGauge(
            name: "go_sql_in_use_connections", labels: [("db_name", "orders")],
            help: "The number of connections currently in use.")
        dbIdle = registry.makeGauge(
            name: "go_sql_idle_connections", labels: [("db_name", "orders")], help: "The number of idle connections.")
        dbOpen = registry.makeGauge(
            name: "go_sql_open_connections", labels: [("db_name", "orders")],
            help: "The number of established connections both in use and idle.")
        dbMaxOpen = registry.makeGauge(
            name: "go_sql_max_open_connections", labels: [("db_name", "orders")],
            help: "Maximum number of open connections to the database.")
        dbWaitCount = registry.makeCounter(
            name: "go_sql_wait_count_total", labels: [("db_name", "orders")],
            help: "The total number of connections waited for.")
        dbWaitDuration = registry.makeCounter(
            name: "go_sql_wait_duration_seconds_total", labels: [("db_name", "orders")],
            help: "The total time blocked waiting for a new connection.")
        memLimit.set(limit)
        startTime.set(startedAt.rounded(.down))
    }

    func observe(handler: String, method: String, code: Int, seconds: Double) {
        let key = "\(handler) \(method) \(code)"
        let histogram: ValueHistogram
        if let h = histograms[key] {
            histogram = h
        } else {
            histogram = registry.makeValueHistogram(
                name: "http_request_duration_seconds",
                labels: [("code", String(code)), ("handler", handler), ("method", method)],
                buckets: ProcessMetrics.buckets,
                help: "A histogram of latencies for requests.")
            histograms[key] = histogram
        }
        histogram.record(seconds)
    }
}
