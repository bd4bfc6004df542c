import ArgumentParser
import Foundation
import Synchronization
import SvctopCore
import SvctopNetwork

/// Scrapes N targets at an interval for a while and reports the achieved interval, this process's CPU share
/// and peak RSS. The targets are `svctop demo --instances N` run as a separate process, so the servers'
/// CPU is not counted.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Scrape engine: achieved interval, CPU share and peak RSS for N loopback targets.")

    @Option(help: "Number of targets.")
    var targets = 200

    @Option(help: "Scrape interval in seconds.")
    var interval = 1.0

    @Option(help: "Measured seconds (after 5 s of warm-up).")
    var seconds = 30.0

    @Option(help: "The svctop binary that serves the demo fleet.")
    var svctop = ".build/release/svctop"

    func run() async throws {
        let (fleetPID, urls) = try startFleet()
        defer { kill(fleetPID, SIGTERM) }
        let list = try urls.map { try Target.parse($0) }
        var settings = Settings()
        settings.interval = interval
        let transport = HTTPTransport()
        let engine = ScrapeEngine(client: ServiceClient(transport: transport), settings: settings)
        let stats = Mutex<(count: Int, failures: Int, last: [Int: Double], gaps: [Double])>((0, 0, [:], []))
        let warmup = Date().addingTimeInterval(5)
        let task = Task {
            await engine.run(targets: list) { batch in
                let now = Date().timeIntervalSince1970
                stats.withLock { s in
                    for event in batch {
                        guard case .scrapeCompleted(let id, let outcome) = event else { continue }
                        if Date() > warmup {
                            s.count += 1
                            if case .failure = outcome { s.failures += 1 }
                            if let previous = s.last[id] { s.gaps.append(now - previous) }
                        }
                        s.last[id] = now
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(5))
        let cpuStart = cpuSeconds()
        let wallStart = Date()
        try await Task.sleep(for: .seconds(seconds))
        let cpu = cpuSeconds() - cpuStart
        let wall = Date().timeIntervalSince(wallStart)
        task.cancel()
        await task.value
        await transport.shutdown()
        let s = stats.withLock { $0 }
        let gaps = s.gaps.sorted()
        func pct(_ q: Double) -> Double { gaps.isEmpty ? .nan : gaps[min(gaps.count - 1, Int(Double(gaps.count) * q))] }
        print("\(targets) targets at \(interval)s for \(Int(wall))s: \(s.count) scrapes, \(s.failures) failed")
        print(
            "  achieved interval: median \(format(pct(0.5), 3))s  p99 \(format(pct(0.99), 3))s  max \(format(gaps.last ?? .nan, 3))s"
        )
        print("  CPU: \(format(cpu / wall * 100))% of one core   peak RSS: \(peakRSSMiB()) MiB")
    }

    func startFleet() throws -> (pid_t, [String]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("svctop-fleet-\(getpid()).txt").path
        // The fleet keeps writing to its open descriptor; the name is only needed until the list has been read.
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments: [String] = [svctop, "demo", "--instances", String(targets), "--scenario", "healthy"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var pid: pid_t = 0
        guard posix_spawn(&pid, svctop, &actions, nil, argv, envp) == 0 else {
            throw ValidationError("cannot start \(svctop) (build it with swift build -c release)")
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            let urls = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
                String($0.split(separator: "\t")[0])
            }
            if text.contains("# watch it") { return (pid, urls) }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        throw ValidationError("the demo fleet did not start")
    }

    func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
            usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func peakRSSMiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
