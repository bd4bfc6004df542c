import Foundation
import Testing
import SvctopCore
import SvctopPprof
import SvctopTestSupport

/// The reference Go service (examples/go-service, built by scripts/test) as a real process.
final class GoService {
    let url: String
    private let pid: pid_t
    private let log: String
    static var binary: String { Tmux.repository.appendingPathComponent("examples/go-service/go-service").path }
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    init(load: Int = 40, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let log = Scratch.file("go-service", suffix: ".log")
        let env = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let child = try spawn(
            Self.binary, ["-addr", "127.0.0.1:0", "-load", String(load)] + arguments, stdout: log, stderr: "/dev/null",
            environment: env)
        pid = child
        self.log = log
        guard let found = Self.addresses(in: log, after: "listening on ", count: 1).first else {
            kill(child, SIGKILL)
            throw CocoaError(.fileReadUnknown)
        }
        url = found
    }

    /// The further addresses of a service started with `-also-listen`, as it prints them after the first.
    func alsoListening(_ count: Int) -> [String] { Self.addresses(in: log, after: "also listening on ", count: count) }

    /// The addresses on the lines of `log` that start with `prefix`, once there are `count` of them or after 10 s.
    private static func addresses(in log: String, after prefix: String, count: Int) -> [String] {
        let deadline = Date().addingTimeInterval(10)
        var found: [String] = []
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map {
                String($0.dropFirst(prefix.count))
            }
            if found.count >= count { break }
            usleep(20_000)
        }
        return found
    }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// GET (or another method) on the service, returning status and body.
    func request(
        _ path: String, method: String = "GET", body: String? = nil, contentType: String? = nil
    ) -> (Int, String) {
        var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, url + path]
        if let body { args += ["--data", body] }
        if let contentType { args += ["-H", "Content-Type: \(contentType)"] }
        let r = (try? runProcess("/usr/bin/curl", args, timeout: 10)) ?? (status: 1, stdout: "", stderr: "")
        let parts = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
    }

    func metric(_ name: String) -> Double? { metrics([name])[name] }

    /// The first sample of each of `names`, from one read of /metrics.
    func metrics(_ names: [String]) -> [String: Double] {
        let (_, body) = request("/metrics")
        var found: [String: Double] = [:]
        for line in body.split(separator: "\n") {
            guard let name = names.first(where: { line.hasPrefix($0 + " ") || line.hasPrefix($0 + "{") }),
                found[name] == nil
            else { continue }
            found[name] = line.split(separator: " ").last.flatMap { Double($0) }
        }
        return found
    }
}

@Suite(
    "against the real Go reference service", .serialized,
    .enabled(
        if: GoService.isAvailable && Tmux.isAvailable,
        "examples/go-service is not built (scripts/test builds it when go is installed)"))
struct GoServiceTests {
    @Test("--once --format json reports what the service's own endpoints report")
    func snapshot() throws {
        let service = try GoService()
        _ = service.request("/debug/leak?site=a&n=500", method: "POST")
        let result = try runProcess(
            Tmux.binary, ["--once", "--format", "json", "--window", "3", "go=\(service.url)"], timeout: 60)
        #expect(result.status == 0, Comment(rawValue: result.stderr))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let s = try #require(json.first)
        #expect(s["name"] as? String == "go")
        #expect(s["up"] as? Bool == true)
        let goroutines = try #require(s["goroutines"] as? Double)
        let now = try #require(service.metric("go_goroutines"))
        #expect(goroutines >= 500 && abs(goroutines - now) < 60, "svctop \(goroutines) vs service \(now)")
        #expect((s["threads"] as? Double ?? 0) > 0)
        #expect((s["memory_bytes"] as? Double ?? 0) > 1e6)
        #expect((s["heap_bytes"] as? Double ?? 0) > 1e5)
        #expect(s["log_level"] as? String == "info")
        let health = try #require(s["health"] as? [String: Any])
        #expect(
            health["live"] as? Bool == true && health["ready"] as? Bool == true && health["draining"] as? Bool == false)
        let pool = try #require(s["pool"] as? [String: Any])
        #expect(pool["workers_max"] as? Double == 8)
        #expect(pool["queue_capacity"] as? Double == 64)
        let db = try #require(s["db_pool"] as? [String: Any])
        #expect(db["max_open"] as? Double == 10)
        let latency = try #require(s["latency_seconds"] as? [String: Any])
        #expect((latency["p50"] as? Double ?? 0) > 0, "the self-load produces requests")
        #expect((latency["p99"] as? Double ?? 0) >= (latency["p50"] as? Double ?? 1))
        #expect((s["request_rate"] as? Double ?? 0) > 5)
        #expect(s["error_ratio"] as? Double == 0)
    }

    @Test("one process answering on more ports (-also-listen, for the 1,000-target benchmark) is read in full on each")
    func moreTargetsFromOneProcess() throws {
        let service = try GoService(arguments: ["-also-listen", "2"])
        let more = service.alsoListening(2)
        try #require(more.count == 2, "\(more)")
        #expect(Set([service.url] + more).count == 3, "three distinct addresses")
        let targets = (["go-0=\(service.url)"] + more.enumerated().map { "go-\($0.offset + 1)=\($0.element)" })
        let result = try runProcess(
            Tmux.binary, ["--once", "--format", "json", "--window", "3"] + targets, timeout: 60)
        #expect(result.status == 0, Comment(rawValue: result.stderr))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(json.compactMap { $0["name"] as? String }.sorted() == ["go-0", "go-1", "go-2"])
        let goroutines = json.compactMap { $0["goroutines"] as? Double }
        let now = try #require(service.metric("go_goroutines"))
        #expect(goroutines.count == 3 && goroutines.allSatisfy { abs($0 - now) < 60 }, "\(goroutines) vs \(now)")
        #expect(json.allSatisfy { $0["up"] as? Bool == true && ($0["request_rate"] as? Double ?? 0) > 5 })
    }

    @Test("log level and drain from the keyboard reach the service; a cancelled dialog sends nothing; all journaled")
    func actions() throws {
        let service = try GoService()
        let dir = try Scratch.directory("go")
        let journal = "\(dir)/journal.jsonl"
        let tmux = try Tmux(
            width: 120, height: 40,
            command: "\(Tmux.binary) --journal \(journal) --dump-dir \(dir) api=\(service.url); sleep 600")
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("info") && $0.contains("up 1/1") }.0)

        // Cancelled: Enter on the confirmation sends nothing.
        try tmux.send("l")
        #expect(try tmux.waitFor(5) { $0.contains("Set log level") }.0)
        try tmux.send("d")
        #expect(try tmux.waitFor(5) { $0.contains("Type y to confirm") }.0)
        try tmux.send("Enter")
        #expect(try tmux.waitFor(5) { !$0.contains("Type y to confirm") }.0)
        #expect(service.request("/log/level").1.contains("\"info\""))

        // Confirmed: the service's own GET /log/level reports debug.
        try tmux.send("l")
        try tmux.send("d")
        #expect(try tmux.waitFor(5) { $0.contains("Type y to confirm") }.0)
        try tmux.send("y")
        let (levelShown, screen) = try tmux.waitFor(10) { $0.contains("log level is now debug") }
        #expect(levelShown, Comment(rawValue: screen))
        #expect(service.request("/log/level").1.contains("\"debug\""))

        // Drain: the guard rail refuses the last ready instance; override with O, confirm with y.
        try tmux.send("D")
        #expect(try tmux.waitFor(5) { $0.contains("REFUSED") }.0)
        try tmux.send("O")
        #expect(try tmux.waitFor(5) { $0.contains("OVERRIDDEN") }.0)
        try tmux.send("y")
        #expect(try tmux.waitFor(10) { $0.contains("drain accepted") }.0)
        #expect(service.request("/readyz").0 == 503)
        try tmux.send("Enter")
        let (drained, drainScreen) = try tmux.waitFor(20) { $0.contains("drain: drained") }
        #expect(drained, Comment(rawValue: drainScreen))
        #expect(service.metric("http_requests_in_flight") == 0)

        // Goroutine dump from the instance view: the 300 leaked goroutines are the top group.
        _ = service.request("/debug/leak?site=b&n=300", method: "POST")
        try tmux.send("g")
        let (dumped, dumpScreen) = try tmux.waitFor(15) {
            $0.contains("goroutines of api") && $0.contains("leakWaitingForReply")
        }
        #expect(dumped, Comment(rawValue: dumpScreen))
        try tmux.send("s")
        #expect(try tmux.waitFor(5) { $0.contains("saved dump to \(dir)") }.0)
        try tmux.send("Escape")
        try tmux.send("Escape")
        try tmux.send("q")
        // svctop offers to restore the log level it changed.
        #expect(try tmux.waitFor(5) { $0.contains("Restore log levels") }.0)
        try tmux.send("y")
        #expect(try tmux.waitFor(10) { _ in service.request("/log/level").1.contains("\"info\"") }.0)

        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.count == 4, "cancelled, debug, drain, restore: \(lines)")
        #expect(entries.map { $0["result"] as? String } == ["cancelled", "ok", "ok", "ok"])
        #expect(
            entries.map { $0["action"] as? String } == ["set_log_level", "set_log_level", "drain", "set_log_level"])
        #expect(entries[2]["status"] as? Int == 202)
        #expect(entries.allSatisfy { ($0["url"] as? String) == service.url && $0["user"] != nil && $0["host"] != nil })
        #expect(entries.allSatisfy { ($0["version"] as? String) == SvctopVersion.current })
        let table = try runProcess(Tmux.binary, ["journal", "--file", journal], timeout: 20)
        #expect(table.status == 0)
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.count == 5 && rows[0].hasPrefix("TIME"), Comment(rawValue: table.stdout))
        #expect(rows[3].contains("drain") && rows[3].contains("202"))
        let attributes = try FileManager.default.attributesOfItem(atPath: journal)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("the instance view shows the numbers the service's own /metrics and endpoints report")
    func numbersOnScreen() throws {
        // No self-load: the service's goroutine count only moves with connections (svctop's three, curl's one).
        let service = try GoService(load: 0)
        let tmux = try Tmux(
            width: 120, height: 40, command: "\(Tmux.binary) --journal /dev/null api=\(service.url); sleep 600")
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("up 1/1") }.0)
        try tmux.send("Enter")
        let (shown, screen) = try tmux.waitFor(10) {
            $0.contains("goroutines ") && $0.contains("RSS ") && $0.contains("ready  ✓")
        }
        #expect(shown, Comment(rawValue: screen))
        func number(after label: String, in text: String) -> Double? {
            guard let range = text.range(of: label) else { return nil }
            let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
            return Double(digits)
        }
        /// "12.2Mi" → bytes.
        func bytes(after label: String, in text: String) -> Double? {
            guard let range = text.range(of: label), let value = number(after: label, in: text) else { return nil }
            let rest = text[range.upperBound...].drop { $0.isNumber || $0 == "." }
            let scale = Double(
                rest.hasPrefix("Gi") ? 1 << 30 : rest.hasPrefix("Mi") ? 1 << 20 : rest.hasPrefix("Ki") ? 1 << 10 : 1)
            return value * scale
        }
        let goroutines = try #require(number(after: "│ goroutines ", in: screen))
        let threads = try #require(number(after: "threads ", in: screen))
        // Memory moves between two scrapes: the screen must agree with the service within 5 % at some moment
        // (the screen shows the last scrape, up to an interval old).
        for (label, metric) in [("RSS ", "process_resident_memory_bytes"), ("heap ", "go_memstats_heap_inuse_bytes")] {
            var last = ""
            let agreed = try tmux.waitFor(15) { text in
                guard let shownValue = bytes(after: label, in: text), let served = service.metric(metric) else {
                    return false
                }
                last = "screen \(shownValue), /metrics \(served)"
                return abs(shownValue - served) / served < 0.05
            }.0
            #expect(agreed, "\(metric): \(last)")
        }
        #expect(screen.contains("live   ✓ passing 200") && service.request("/healthz").0 == 200)
        #expect(screen.contains("ready  ✓ passing 200") && service.request("/readyz").0 == 200)
        #expect(screen.contains("workers          0/8") && service.metric("workerpool_workers_max") == 8)
        #expect(screen.contains("0/10") && service.metric("go_sql_max_open_connections") == 10)
        try tmux.send("Escape")
        let (fleet, fleetScreen) = try tmux.waitFor(5) { $0.contains("NAME") && $0.contains("LEVEL") }
        #expect(fleet)
        #expect(fleetScreen.contains(" info ") && service.request("/log/level").1.contains("\"info\""))
    }

    @Test(
        "thousands of goroutines leaked at two sites: the dump view's groups equal the raw dump, leaks on top; a second dump's comparison shows exactly the new growth"
    )
    func dumpsAndComparison() throws {
        let service = try GoService(load: 0)
        _ = service.request("/debug/leak?site=a&n=2000", method: "POST")
        _ = service.request("/debug/leak?site=b&n=1000", method: "POST")
        let tmux = try Tmux(
            width: 120, height: 40, command: "\(Tmux.binary) --journal /dev/null api=\(service.url); sleep 600")
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("up 1/1") }.0)
        try tmux.send("g")
        let (dumped, screen) = try tmux.waitFor(20) {
            $0.contains("goroutines of api") && $0.contains("leakWaitingForReply")
        }
        #expect(dumped, Comment(rawValue: screen))
        // The service's own debug=1 dump: "N @ pcs" records, each followed by its frames.
        let raw = service.request("/debug/pprof/goroutine?debug=1").1
        func rawCount(_ function: String) -> Int {
            raw.components(separatedBy: "\n\n").filter { $0.contains(function) }.compactMap { record in
                record.split(separator: "\n").first { $0.contains(" @ ") }?.split(separator: " ").first.flatMap {
                    Int($0)
                }
            }.reduce(0, +)
        }
        #expect(rawCount("main.leakSubscriber") == 2000)
        #expect(rawCount("main.leakWaitingForReply") == 1000)
        let rows = screen.split(separator: "\n").map(String.init)
        let groupRows = rows.filter { $0.contains("main.leak") }
        // The two leak sites are the two top groups, with the raw dump's counts.
        try #require(groupRows.count >= 2, Comment(rawValue: screen))
        #expect(
            groupRows[0].contains(" 2000 ") && groupRows[0].contains("main.leakSubscriber"), Comment(rawValue: screen))
        #expect(
            groupRows[1].contains(" 1000 ") && groupRows[1].contains("main.leakWaitingForReply"),
            Comment(rawValue: screen))

        // 500 more at the first site; a second dump compared with the first shows that growth and no other.
        _ = service.request("/debug/leak?site=a&n=500", method: "POST")
        try tmux.send("Escape")
        #expect(try tmux.waitFor(5) { !$0.contains("goroutines of api") }.0)
        try tmux.send("g")
        #expect(try tmux.waitFor(20) { $0.contains("goroutines of api") && $0.contains(" 2500 ") }.0)
        try tmux.send("c")
        let (compared, comparison) = try tmux.waitFor(10) { $0.contains("BEFORE→AFTER") }
        #expect(compared, Comment(rawValue: comparison))
        let deltas = comparison.split(separator: "\n").map(String.init).filter { $0.contains("main.leak") }
        try #require(deltas.count >= 2, Comment(rawValue: comparison))
        #expect(
            deltas[0].contains("2000→2500") && deltas[0].contains("main.leakSubscriber"), Comment(rawValue: comparison))
        #expect(
            deltas[1].contains("1000→1000") && deltas[1].contains("main.leakWaitingForReply"),
            Comment(rawValue: comparison))
    }

    @Test(
        "a steady leak is flagged, memory climbing to its limit shows an OOM estimate, a saturated pool shows saturated"
    )
    func leakMemoryAndSaturation() throws {
        // One worker under 200 requests a second; 20 goroutines a second leaked, each holding 128 KiB; a 200 MiB limit.
        let service = try GoService(
            load: 200, arguments: ["-workers", "1", "-leak-rate", "20", "-leak-bytes", "131072"],
            environment: ["GOMEMLIMIT": "200MiB"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svctop-leak-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A 20 s trend window instead of 2 minutes, so that the test takes seconds.
        try "defaults:\n  leak: { window: 20s }\n".write(
            toFile: "\(dir)/config.yaml", atomically: true, encoding: .utf8)
        let tmux = try Tmux(
            width: 120, height: 40,
            command: "\(Tmux.binary) --config \(dir)/config.yaml --journal \(dir)/j.jsonl api=\(service.url); sleep 600"
        )
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("up 1/1") }.0)
        try tmux.send("Enter")
        let (flagged, screen) = try tmux.waitFor(60) {
            $0.contains("possible goroutine leak") && $0.contains("OOM in ~")
        }
        #expect(flagged, Comment(rawValue: screen))
        // The limit is the service's own (GOMEMLIMIT via process_memory_limit_bytes), shown against memory used.
        #expect(screen.contains("200.0Mi") || screen.contains("200Mi"), Comment(rawValue: screen))
        // The pool: the one worker busy and the queue full.
        func line(_ screen: String, _ label: String, _ value: String) -> Bool {
            screen.split(separator: "\n").contains {
                $0.contains("│ \(label) ") && $0.contains(" \(value) ") && $0.contains("100%")
            }
        }
        let (saturated, poolScreen) = try tmux.waitFor(10) { line($0, "workers", "1/1") && line($0, "queue", "64/64") }
        #expect(saturated, Comment(rawValue: poolScreen))
        // The queue stays (nearly) full: a worker takes one job out as another is rejected.
        #expect((service.metric("workerpool_queue_depth") ?? 0) >= 56)
        #expect((service.metric("workerpool_rejected_total") ?? 0) > 0)
    }

    /// "~3m 40s", "~52s", "~2m", "~1h 20m" → seconds.
    static func seconds(_ text: String) -> Double? {
        var total = 0.0
        for part in text.dropFirst().split(separator: " ") {
            guard let unit = part.last, let value = Double(part.dropLast()) else { return nil }
            switch unit {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
        }
        return total
    }

    /// Issue 20's check, as the issue measured it: a service retaining about 42 MiB a minute (10 goroutines a
    /// second holding 64 KiB, and their stacks) under light load towards a 400 MiB Go soft limit. About 9 minutes,
    /// opt-in (SVCTOP_OOM_ACCURACY=1) while it is not reliable: RSS's pace near the limit differs from run to run.
    /// Of seventeen live runs, four failed at the last reading or two: three with earlier estimators, early by 29 to
    /// 34 %, and one of eleven with the estimator since the sixteenth session, late by 25 % (76 s at 60 s out; its
    /// recording is Tests/SvctopCoreTests/Fixtures/memory-to-soft-limit-live-3.csv; docs/decisions/0006).
    @Test(
        "the OOM estimate read from the screen every 30 s is within 25% of when RSS really crossed the soft limit, from 5 minutes out to 1",
        .enabled(if: ProcessInfo.processInfo.environment["SVCTOP_OOM_ACCURACY"] == "1", "opt-in: SVCTOP_OOM_ACCURACY=1")
    )
    func oomEstimateAccuracy() throws {
        try Self.expectOOMEstimates(load: 20, limitMiB: 400)
    }

    /// Opt-in with SVCTOP_OOM_ACCURACY=1 (docs/decisions/0006-oom-estimate.md): with more allocation churn
    /// (-load 100) RSS grows at ~60 MiB/min until the GC pins its goal under the soft limit, then sits just below it
    /// while the live heap keeps growing, and crosses half a minute later; an estimate from the RSS trend alone is
    /// early by 30–79 % in the last 2.5 minutes. Tests/SvctopCoreTests/Fixtures/memory-to-soft-limit-churn.csv
    /// (2026-12-02), -churn-live.csv and -churn-live-2.csv (2026-12-06, as this check read it) are three such runs;
    /// it passed its three live runs at the moments it read, and between them was early by up to 41 %.
    @Test(
        "with heavy allocation churn under a soft limit, the OOM estimate is within 25% from 5 minutes out to 1",
        .enabled(if: ProcessInfo.processInfo.environment["SVCTOP_OOM_ACCURACY"] == "1", "opt-in: SVCTOP_OOM_ACCURACY=1")
    )
    func oomEstimateAccuracyUnderChurn() throws {
        try Self.expectOOMEstimates(load: 100, limitMiB: 300)
    }

    /// Runs the reference service retaining about 42 MiB a minute towards a Go soft limit of `limitMiB` under
    /// `load` requests a second, reads svctop's "OOM in" from the screen every 30 s and, once RSS crosses the
    /// limit, expects every estimate from 5 minutes out to 1 within 25% of the real time left. The service's memory
    /// as read is left in a CSV under the temporary directory (named in the output) when the check fails, to study it.
    static func expectOOMEstimates(load: Int, limitMiB: Int) throws {
        let limit = Double(limitMiB) * 1_048_576
        let service = try GoService(
            load: load, arguments: ["-leak-rate", "10", "-leak-bytes", "65536"],
            environment: ["GOMEMLIMIT": "\(limitMiB)MiB"])
        let tmux = try Tmux(
            width: 120, height: 40, command: "\(Tmux.binary) --journal /dev/null api=\(service.url); sleep 900")
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("up 1/1") }.0)
        try tmux.send("Enter")
        var readings: [(at: Date, estimate: Double)] = []
        var crossing: Date?
        var lastRead = Date.distantPast
        let deadline = Date().addingTimeInterval(15 * 60)
        // Beside RSS and the heap, what the runtime counts against its limit (about sys − heap released) and the
        // GC's goal, for the study of runs that fail (docs/decisions/0006).
        let names = [
            "process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes",
            "go_memstats_sys_bytes", "go_memstats_heap_released_bytes", "go_memstats_heap_idle_bytes",
            "go_memstats_next_gc_bytes", "go_memstats_stack_inuse_bytes",
        ]
        let started = Date()
        var recording = "# seconds," + names.joined(separator: ",") + ",limit\n"
        while crossing == nil && Date() < deadline {
            let memory = service.metrics(names)
            recording +=
                "\(Date().timeIntervalSince(started))," + names.map { "\(memory[$0] ?? .nan)" }.joined(separator: ",")
            recording += ",\(limit)\n"
            if let rss = memory[names[0]], rss > limit { crossing = Date() }
            if Date().timeIntervalSince(lastRead) >= 30 {
                lastRead = Date()
                let screen = try tmux.screen()
                if let range = screen.range(of: #"OOM in ~[0-9hms ]+ at"#, options: .regularExpression),
                    let estimate = Self.seconds(String(screen[range].dropFirst("OOM in ".count).dropLast(" at".count)))
                {
                    readings.append((lastRead, estimate))
                }
            }
            usleep(500_000)
        }
        // (seconds left when read, what svctop said) from 5 minutes out to 1.
        let judged = readings.compactMap { reading -> (real: Double, said: Double)? in
            guard let real = crossing?.timeIntervalSince(reading.at), (60...300).contains(real) else { return nil }
            return (real, reading.estimate)
        }
        let isClose = { (reading: (real: Double, said: Double)) in abs(reading.said / reading.real - 1) <= 0.25 }
        if judged.count < 7 || !judged.allSatisfy(isClose) {
            // Kept only for a run that failed (no crossing leaves nothing judged), to study it.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "svctop-oom-\(load)-\(limitMiB)-\(Int(started.timeIntervalSince1970)).csv")
            try recording.write(to: file, atomically: true, encoding: .utf8)
            print("the service's memory as read: \(file.path)")
        }
        _ = try #require(crossing, "RSS never crossed the limit")
        #expect(judged.count >= 7, "\(readings)")
        for reading in judged {
            print("OOM estimate \(Int(reading.real))s before the crossing: \(Int(reading.said))s")
            #expect(isClose(reading), "\(Int(reading.real))s before the crossing svctop said \(Int(reading.said))s")
        }
    }

    /// Polls `condition` every 200 ms until it holds or `timeout` seconds pass.
    static func waitUntil(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(200_000)
        }
        return false
    }

    /// svctop's top list of a saved profile against `go tool pprof -top` on the same file: the first ten rows,
    /// names and exact values (`-unit=ns` / `-unit=B` print integers).
    static func expectSameTop(_ file: String, _ kind: PprofKind, type: String, cum: Bool) throws {
        let profile = try PprofDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), kind: kind)
        let t = try #require(profile.sampleType(named: type))
        let table = PprofTable.top(profile, type: t, order: cum ? .cum : .flat)
        let mine = PprofTopText.keptByPprof(
            table.rows.map { PprofTopText.Row(name: profile.functions[$0.function].name, flat: $0.flat, cum: $0.cum) },
            total: table.total
        ).prefix(10)
        let unit = kind == .cpu ? "ns" : "B"
        let pprof = try runProcess(
            "/usr/bin/go",
            ["tool", "pprof", "-top", "-unit=\(unit)", "-sample_index=\(type)"] + (cum ? ["-cum"] : []) + [file],
            timeout: 60)
        let theirs = PprofTopText.parse(pprof.stdout)
        #expect(theirs.count >= 5, "go tool pprof printed no table: \(pprof.stderr)")
        #expect(Array(mine) == Array(theirs.prefix(10)), "svctop:\n\(mine)\ngo tool pprof:\n\(theirs.prefix(10))")
    }

    @Test(
        "p and H: the saved CPU and heap profiles' top 10 by flat and cum equal go tool pprof; after a minute the heap comparison ranks the function that keeps memory first"
    )
    func profiles() throws {
        // 200 requests a second beside the burn, so that 5 s of CPU profile hold more than a handful of functions
        // on a fast box (at 20 a clean-clone run's profile held one row).
        let service = try GoService(load: 200, arguments: ["-burn", "40", "-retain-kib", "1024", "-churn-kib", "8192"])
        let dir = try Scratch.directory("e2e")
        let tmux = try Tmux(
            width: 120, height: 40,
            command: "\(Tmux.binary) --journal /dev/null --dump-dir \(dir)/saved api=\(service.url); sleep 600")
        #expect(try tmux.waitFor(20) { $0.contains("api") && $0.contains("up 1/1") }.0)
        func saved(_ prefix: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/saved")) ?? []).filter {
                $0.hasPrefix(prefix)
            }.sorted().map { "\(dir)/saved/\($0)" }
        }

        // CPU: 5 s (one step shorter than the default), confirmed, with progress while it runs.
        try tmux.send("p")
        #expect(try tmux.waitFor(10) { $0.contains("Take a CPU profile of api?") && $0.contains("Length: 10s") }.0)
        try tmux.send("-")
        #expect(try tmux.waitFor(5) { $0.contains("Length: 5s") }.0)
        try tmux.send("y")
        let (progress, during) = try tmux.waitFor(5) { $0.contains("CPU profile of api:") && $0.contains("of 5s…") }
        #expect(progress, Comment(rawValue: during))
        let (opened, cpuScreen) = try tmux.waitFor(30) { $0.contains("CPU profile of api ") && $0.contains("FLAT%") }
        #expect(opened, Comment(rawValue: cpuScreen))
        let firstRow = cpuScreen.split(separator: "\n").dropFirst(3).first.map(String.init) ?? ""
        #expect(firstRow.contains("main.burnCPU"), "40% of a core in main.burnCPU tops the list:\n\(cpuScreen)")
        try tmux.send("s")
        #expect(try tmux.waitFor(10) { $0.contains("saved profile to ") }.0)
        let cpuFile = try #require(saved("cpu-api-").last)
        let mode = try FileManager.default.attributesOfItem(atPath: cpuFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Self.expectSameTop(cpuFile, .cpu, type: "cpu", cum: false)
        try Self.expectSameTop(cpuFile, .cpu, type: "cpu", cum: true)

        // Heap: in-use space, at once.
        try tmux.send("Escape")
        try tmux.send("H")
        let (heapOpened, heapScreen) = try tmux.waitFor(20) {
            $0.contains("heap profile of api") && $0.contains("inuse_space")
        }
        #expect(heapOpened, Comment(rawValue: heapScreen))
        let retainedAtFirst = try #require(service.metric("example_retained_bytes"))
        try tmux.send("s")
        #expect(try tmux.waitFor(10) { $0.contains("saved profile to ") && $0.contains("heap-api-") }.0)
        let heapFile = try #require(saved("heap-api-").last)
        try Self.expectSameTop(heapFile, .heap, type: "inuse_space", cum: false)
        try Self.expectSameTop(heapFile, .heap, type: "alloc_space", cum: true)

        // A minute later (the service has kept about 60 MiB more), a second heap profile compared with the first.
        let grown = Self.waitUntil(120) {
            (service.metric("example_retained_bytes") ?? 0) >= retainedAtFirst + 60 * 1_048_576
        }
        #expect(grown, "the service kept 60 MiB more within two minutes")
        try tmux.send("Escape")
        try tmux.send("H")
        // The new profile, seconds old (the first one, still on screen until it opens, is over a minute old).
        #expect(
            try tmux.waitFor(20) { screen in
                (0...3).contains { screen.contains("heap profile of api  \($0)s ago") }
            }.0)
        try tmux.send("c")
        let (compared, comparison) = try tmux.waitFor(10) { $0.contains("vs the heap profile of ") }
        #expect(compared, Comment(rawValue: comparison))
        let top = comparison.split(separator: "\n").dropFirst(3).first.map(String.init) ?? ""
        #expect(top.contains("main.retainCache") && top.contains("+"), Comment(rawValue: comparison))
    }

    @Test("read-only mode: the mutating keys do nothing and nothing is sent")
    func readOnly() throws {
        let service = try GoService()
        let dir = try Scratch.directory("ro")
        let tmux = try Tmux(
            width: 120, height: 40,
            command: "\(Tmux.binary) --read-only --journal \(dir)/j.jsonl api=\(service.url); sleep 600")
        #expect(try tmux.waitFor(20) { $0.contains("READ-ONLY") && $0.contains("up 1/1") }.0)
        for key in ["l", "D", "U", "L"] {
            try tmux.send(key)
            try tmux.send("y")
        }
        let (_, screen) = try tmux.waitFor(2) { $0.contains("Set log level") || $0.contains("Drain") }
        #expect(!screen.contains("Set log level") && !screen.contains("Drain "))
        #expect(service.request("/log/level").1.contains("\"info\""))
        #expect(service.request("/readyz").0 == 200)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/j.jsonl"))
        try tmux.send("?")
        let (_, help) = try tmux.waitFor(5) { $0.contains("Read-only mode") }
        #expect(help.contains("Read-only mode"))
        #expect(!help.contains("set log level"))
        #expect(!help.contains("  D "), "no drain key in read-only mode")
    }
}
