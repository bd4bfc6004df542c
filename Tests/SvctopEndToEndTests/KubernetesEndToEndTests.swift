import Foundation
import SvctopTestSupport
import Testing

/// `svctop k8s` against the test API server (KubeTestAPI), through the real kubectl (`kubectl proxy` over TLS
/// with a bearer token), with real processes playing the pods.
@Suite(
    "svctop k8s through kubectl proxy and kubectl port-forward", .serialized,
    .enabled(if: Kubectl.path != nil, "needs kubectl on PATH"))
struct KubernetesEndToEndTests {
    /// A demo service process per pod, so a pod's process can be killed alone.
    final class PodProcess {
        let demo: PrometheusSourceEndToEndTests.Demo
        var port: Int { Int(demo.targets[0].split(separator: ":").last ?? "") ?? 0 }
        init(scenario: String = "healthy") throws {
            demo = try PrometheusSourceEndToEndTests.Demo(instances: 1, scenario: scenario)
            try #require(demo.targets.count == 1)
        }
    }

    /// Starts the test API server on its own runtime thread and waits for it.
    static func api() throws -> KubeTestAPI {
        let api = KubeTestAPI()
        let started = DispatchSemaphore(value: 0)
        let failure = LockedBox<String?>(nil)
        Task {
            do { try await api.start() } catch { failure.value = "\(error)" }
            started.signal()
        }
        started.wait()
        if let failure = failure.value { throw KubeTestError(description: failure) }
        return api
    }

    /// The fleet row of pod `name` on a captured screen, if any.
    static func row(_ screen: String, _ name: String) -> String? {
        screen.split(separator: "\n").first { $0.dropFirst(2).hasPrefix(name + " ") }.map(String.init)
    }

    /// AGE is the last column: fresh rows say 0s or 1s (a scrape every second).
    static func isRecent(_ line: String) -> Bool {
        let last = line.split(separator: " ").last.map(String.init) ?? ""
        return last == "0s" || last == "1s"
    }

    /// A pod's row with both probes passing and data from the last second.
    static func isFresh(_ screen: String, _ name: String) -> Bool {
        row(screen, name).map { $0.contains("L✓R✓") && isRecent($0) } ?? false
    }

    /// The test API server, a kubeconfig for it, and a pod per name, each played by a demo process of its own.
    static func fleet(_ names: [String]) throws -> (KubeTestAPI, String, [PodProcess], [KubeTestAPI.FakePod]) {
        let api = try Self.api()
        let kubeconfig = try api.kubeconfig(in: try Scratch.directory("e2e"))
        var processes: [PodProcess] = []
        var pods: [KubeTestAPI.FakePod] = []
        for name in names {
            let process = try PodProcess()
            processes.append(process)
            pods.append(api.add(KubeTestAPI.FakePod(name: name, backend: process.port)))
        }
        return (api, kubeconfig, processes, pods)
    }

    /// The kubectl processes started for this kubeconfig (svctop's children), by command line.
    static func kubectls(_ kubeconfig: String) -> [String] {
        let result = try? runProcess("/usr/bin/pgrep", ["-f", "-a", "kubectl.*\(kubeconfig)"], timeout: 5)
        return (result?.stdout ?? "").split(separator: "\n").map(String.init).filter { !$0.contains("pgrep") }
    }

    static func snapshots(_ stdout: String) throws -> [String: [String: Any]] {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]], Comment(rawValue: stdout))
        return Dictionary(uniqueKeysWithValues: json.map { ($0["name"] as? String ?? "", $0) })
    }

    @Test(
        "--once --format json: pod fields, the memory limit from the pod spec, a pod without a port listed with why, no kubectl left"
    )
    func snapshot() throws {
        let api = try Self.api()
        defer { api.stop() }
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let a = try PodProcess()
        var withService = KubeTestAPI.FakePod(name: "api-a", backend: a.port)
        withService.restarts = 2
        withService.lastTerminated = ("OOMKilled", 137, "2026-12-01T10:00:00Z")
        api.add(withService)
        var noPort = KubeTestAPI.FakePod(name: "api-c", backend: 1)
        noPort.hasPorts = false
        api.add(noPort)
        var other = KubeTestAPI.FakePod(name: "web-a", backend: a.port)
        other.labels = ["app": "web"]
        api.add(other)
        // The Go reference service sets no GOMEMLIMIT: its limit can only come from the pod spec.
        let go = GoService.isAvailable ? try GoService(load: 10) : nil
        if let go {
            var pod = KubeTestAPI.FakePod(name: "api-go", backend: Int(go.url.split(separator: ":").last ?? "") ?? 0)
            pod.memoryLimit = "256Mi"
            api.add(pod)
        }
        let result = try runProcess(
            Tmux.binary,
            ["k8s", "--kubeconfig", kubeconfig, "-l", "app=api", "--once", "--format", "json", "--interval", "1s"],
            timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.snapshots(result.stdout)
        #expect(Set(rows.keys) == Set(["api-a", "api-c"] + (go == nil ? [] : ["api-go"])), "\(rows.keys)")
        let pod = try #require(rows["api-a"])
        #expect(pod["namespace"] as? String == "shop")
        #expect(pod["pod"] as? String == "api-a")
        #expect(pod["uid"] as? String == withService.uid)
        #expect(pod["node"] as? String == "node-1")
        #expect(pod["phase"] as? String == "Running")
        #expect(pod["restarts"] as? Int == 2)
        #expect(pod["up"] as? Bool == true, "\(pod)")
        #expect((pod["goroutines"] as? Double ?? 0) > 0)
        #expect(pod["memory_limit_source"] as? String == "service")
        let end = try #require(pod["last_termination"] as? [String: Any])
        #expect(end["reason"] as? String == "OOMKilled")
        #expect(end["exit_code"] as? Int == 137)
        #expect(end["finished_at"] as? String == "2026-12-01T10:00:00Z")
        let health = try #require(pod["health"] as? [String: Any])
        #expect(health["live"] as? Bool == true && health["ready"] as? Bool == true, "\(health)")
        let missing = try #require(rows["api-c"])
        #expect(missing["up"] as? Bool == false)
        #expect((missing["error"] as? String ?? "").contains("no container port"), "\(missing)")
        #expect(missing["last_termination"] is NSNull)
        if go != nil {
            let g = try #require(rows["api-go"])
            #expect(g["memory_limit_bytes"] as? Double == Double(256 << 20), "\(g)")
            #expect(g["memory_limit_source"] as? String == "pod_spec")
            let ratio = try #require(g["memory_ratio"] as? Double)
            let rss = try #require(g["memory_bytes"] as? Double)
            #expect(abs(ratio - rss / Double(256 << 20)) < 1e-9)
        }
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }

    @Test("a config file's kubernetes: section beside a static target: both are rows, the pod with its pod fields")
    func configSection() throws {
        let api = try Self.api()
        defer { api.stop() }
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let a = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-a", backend: a.port))
        let b = try PodProcess()
        let config = dir + "/fleet.yaml"
        try """
        targets:
          - { name: static-b, url: "127.0.0.1:\(b.port)" }
        kubernetes:
          kubeconfig: \(kubeconfig)
          selector: app=api
          gone_grace: 1m
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try runProcess(
            Tmux.binary, ["--config", config, "--once", "--format", "json", "--interval", "1s", "--no-record"],
            timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.snapshots(result.stdout)
        #expect(Set(rows.keys) == ["static-b", "api-a"], "\(rows.keys)")
        #expect(rows["api-a"]?["namespace"] as? String == "shop")
        #expect(rows["api-a"]?["up"] as? Bool == true, "\(rows)")
        #expect(rows["static-b"]?["up"] as? Bool == true)
        #expect(rows["static-b"]?["pod"] == nil)
        // The command line's selection replaces the file's.
        let cli = try runProcess(
            Tmux.binary,
            [
                "k8s", "--config", config, "-l", "app=none", "--once", "--format", "json", "--interval", "1s",
                "--no-record",
            ],
            timeout: 60)
        #expect(Set(try Self.snapshots(cli.stdout).keys) == ["static-b"], "\(cli.stdout) \(cli.stderr)")
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }

    @Test("a forbidden pod proxy is said in one line, with the way out")
    func forbiddenProxy() throws {
        let api = try Self.api()
        defer { api.stop() }
        api.forbidProxy = true
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let a = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-a", backend: a.port))
        let result = try runProcess(
            Tmux.binary, ["k8s", "--kubeconfig", kubeconfig, "deploy/api", "--once", "--format", "json"], timeout: 60)
        // deploy/api is unknown: the API's 404, in one line.
        #expect(
            result.stderr.contains("deploy/api") && result.stderr.contains("404")
                && result.stderr.contains("deployments.apps \"api\" not found"), "\(result.stderr)")
        api.setWorkload("deploy", "api", selector: ["app": "api"])
        let again = try runProcess(
            Tmux.binary,
            ["k8s", "--kubeconfig", kubeconfig, "deploy/api", "--once", "--format", "json", "--interval", "1s"],
            timeout: 60)
        #expect(again.stderr.contains("pods/proxy") && again.stderr.contains("--via port-forward"), "\(again.stderr)")
        let rows = try Self.snapshots(again.stdout)
        #expect((rows["api-a"]?["error"] as? String ?? "").contains("403"), "\(rows)")
    }

    @Test(
        "six pods; one is OOMKilled and replaced: the old row shows it gone, the new row is live within 10 s, the others never miss an update; watches that expire or are compacted away are resumed; no kubectl left after q"
    )
    func replacement() throws {
        try #require(Tmux.isAvailable)
        let (api, kubeconfig, processes, pods) = try Self.fleet((1...6).map { "api-\($0)" })
        defer { withExtendedLifetime(processes) { api.stop() } }
        let tmux = try Tmux(
            width: 160, height: 40,
            command:
                "\(Tmux.binary) k8s --kubeconfig \(kubeconfig) -n shop -l app=api --interval 1s --no-record; sleep 30")
        let row = Self.row
        let ageOK = Self.isRecent
        let (allUp, first) = try tmux.waitFor(30) { s in
            (1...6).allSatisfy { i in row(s, "api-\(i)").map { $0.contains("L✓R✓") && ageOK($0) } ?? false }
        }
        #expect(allUp, "\(first)")
        #expect(first.contains("k8s test-ctx"), "\(first)")

        // Pod 3 dies of OOM: its process is killed, Kubernetes records it and replaces the pod.
        kill(processes[2].demo.pid, SIGKILL)
        api.update(pods[2].uid) {
            $0.restarts = 1
            $0.ready = false
            $0.lastTerminated = ("OOMKilled", 137, ISO8601DateFormatter().string(from: Date()))
        }
        api.delete(pods[2].uid)
        let replacement = try PodProcess()
        let replaced = Date()
        api.add(KubeTestAPI.FakePod(name: "api-3-x7k2p", backend: replacement.port))
        var others = true
        var worst = ""
        let (live, screen) = try tmux.waitFor(10) { s in
            for i in [1, 2, 4, 5, 6] {
                if let line = row(s, "api-\(i)"), !ageOK(line) {
                    others = false
                    worst = line
                }
            }
            let old = row(s, "api-3") ?? ""
            let new = row(s, "api-3-x7k2p") ?? ""
            return old.contains("gone") && old.contains("OOMKilled") && new.contains("L✓R✓") && ageOK(new)
        }
        #expect(live, "\(screen)")
        #expect(Date().timeIntervalSince(replaced) < 10)
        #expect(others, "a row missed an update: \(worst)")

        // The watch expires, then history is compacted (410 Gone): svctop resumes and re-lists on its own.
        api.expireWatches()
        let lists = api.counts.lists
        api.compact()
        let late = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-7", backend: late.port))
        let (seen, afterCompaction) = try tmux.waitFor(10) { s in row(s, "api-7").map { $0.contains("L✓R✓") } ?? false }
        #expect(seen, "\(afterCompaction)")
        #expect(api.counts.lists <= lists + 2, "lists: \(api.counts.lists), before: \(lists)")

        #expect(!Self.kubectls(kubeconfig).isEmpty)
        try tmux.send("q")
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }

    @Test("a log level set on a pod goes through the pod proxy; the journal names the context, namespace, pod and UID")
    func journaledAction() throws {
        try #require(Tmux.isAvailable)
        let api = try Self.api()
        defer { api.stop() }
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let process = try PodProcess()
        let pod = KubeTestAPI.FakePod(name: "api-1", backend: process.port)
        api.add(pod)
        let journal = dir + "/journal.jsonl"
        let tmux = try Tmux(
            width: 120, height: 40,
            command:
                "\(Tmux.binary) k8s --kubeconfig \(kubeconfig) -l app=api --interval 1s --no-record --journal \(journal); sleep 30"
        )
        let (up, screen) = try tmux.waitFor(20) { $0.contains("api-1") && $0.contains("info") }
        #expect(up, "\(screen)")
        try Self.setLevelWarn(tmux)
        let level = try runProcess(
            "/usr/bin/curl", ["-s", "http://127.0.0.1:\(process.port)/log/level"], timeout: 10)
        #expect(level.stdout.contains("warn"), "\(level.stdout)")
        try tmux.send("q")
        try tmux.send("n")
        let (text, entry) = try Self.firstJournalEntry(journal)
        #expect(entry["result"] as? String == "ok", "\(entry)")
        let k8s = try #require(entry["kubernetes"] as? [String: String], "\(entry)")
        #expect(k8s == ["context": "test-ctx", "namespace": "shop", "pod": "api-1", "uid": pod.uid])
        #expect(!text.contains(api.token), "no credential in the journal")
    }

    @Test(
        "kubectl proxy killed under svctop: said at once, restarted on the same port, rows live again; a missing kubectl is one line"
    )
    func proxyRestart() throws {
        try #require(Tmux.isAvailable)
        let (api, kubeconfig, processes, _) = try Self.fleet(["api-a", "api-b"])
        // The pods' processes live until the test ends (they stop when released).
        defer { withExtendedLifetime(processes) { api.stop() } }
        let dir = try Scratch.directory("e2e")
        let tmux = try Tmux(
            width: 160, height: 40,
            command: "\(Tmux.binary) k8s --kubeconfig \(kubeconfig) -l app=api --interval 1s --no-record; sleep 30")
        let (up, screen) = try tmux.waitFor(20) { $0.contains("up 2/2") }
        #expect(up, "\(screen)")
        // kubectl itself, not the guard shell beside it.
        func proxies() -> [String] {
            Self.kubectls(kubeconfig).filter { $0.split(separator: " ").dropFirst().first == "kubectl" }
        }
        let first = proxies()
        try #require(first.count == 1, "\(first)")
        let pid = try #require(pid_t(first[0].split(separator: " ")[0]))
        kill(pid, SIGKILL)
        let (said, down) = try tmux.waitFor(10) { $0.contains("kubectl proxy exited") }
        #expect(said, "\(down)")
        #expect(
            GoServiceTests.waitUntil(10) {
                let now = proxies()
                return now.count == 1 && !now[0].hasPrefix("\(pid) ")
            }, "\(proxies())")
        let (back, again) = try tmux.waitFor(20) { $0.contains("up 2/2") && !$0.contains("kubectl proxy exited") }
        #expect(back, "\(again)")
        try tmux.send("q")
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")

        let missing = try runProcess(
            Tmux.binary, ["k8s", "--kubectl", dir + "/no-kubectl", "-l", "app=api", "--once"], timeout: 30)
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("no-kubectl") && missing.stderr.split(separator: "\n").count == 1,
            "\(missing.stderr)")
    }

    @Test(
        "svctop prom --kubernetes: an instance whose series name its pod gets its log level through the pod proxy, journaled with the pod",
        .enabled(if: PrometheusServer.isAvailable, "needs a prometheus binary"))
    func prometheusThroughPodProxy() throws {
        try #require(Tmux.isAvailable)
        let api = try Self.api()
        defer { api.stop() }
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let process = try PodProcess()
        var pod = KubeTestAPI.FakePod(name: "api-0", backend: process.port)
        pod.containerPort = process.port
        api.add(pod)
        let instance = "127.0.0.1:\(process.port)"
        let prometheus = try PrometheusServer(
            targets: [instance], labels: [instance: ["namespace": "shop", "pod": "api-0"]])
        let journal = dir + "/journal.jsonl"
        let tmux = try Tmux(
            width: 160, height: 40,
            command:
                "\(Tmux.binary) prom \(prometheus.url) --selector '{job=\"svc\"}' --kubernetes --kubeconfig \(kubeconfig) --no-record --journal \(journal); sleep 30"
        )
        let (up, screen) = try tmux.waitFor(30) { $0.contains(instance) && $0.contains("up 1/1") }
        #expect(up, "\(screen)")
        let before = api.proxiedCount
        try Self.setLevelWarn(tmux)
        #expect(api.proxiedCount > before, "the request went through the pod proxy")
        let level = try runProcess("/usr/bin/curl", ["-s", "http://\(instance)/log/level"], timeout: 10)
        #expect(level.stdout.contains("warn"), "\(level.stdout)")
        try tmux.send("q")
        try tmux.send("n")
        let (_, entry) = try Self.firstJournalEntry(journal)
        #expect(
            entry["kubernetes"] as? [String: String] == ["context": "test-ctx", "namespace": "shop", "pod": "api-0"])
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }

    @Test(
        "no kubectl (proxy or port-forwards) outlives svctop killed with SIGKILL, stopped with Ctrl-Z and then killed, or ended by SIGTERM, SIGHUP or SIGINT"
    )
    func noOrphans() throws {
        try #require(Tmux.isAvailable)
        let api = try Self.api()
        defer { api.stop() }
        let dir = try Scratch.directory("e2e")
        let kubeconfig = try api.kubeconfig(in: dir)
        let process = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-1", backend: process.port))
        for via in ["proxy", "port-forward"] {
            for path in ["kill", "suspend", "term", "hup", "int"] {
                let tmux = try Tmux(
                    width: 120, height: 40,
                    // An interactive shell, with job control, as on a terminal: Ctrl-Z stops the foreground job.
                    command:
                        "bash --norc --noprofile -i -c '\(Tmux.binary) k8s --kubeconfig \(kubeconfig) -l app=api --via \(via) --interval 1s --no-record; sleep 30'"
                )
                let (up, screen) = try tmux.waitFor(20) { $0.contains("api-1") && $0.contains("L✓R✓") }
                #expect(up, "\(screen)")
                try #require(!Self.kubectls(kubeconfig).isEmpty)
                if via == "port-forward" { try #require(Self.forwarders(kubeconfig).count == 1) }
                let svctop = try runProcess(
                    "/usr/bin/pgrep", ["-f", "^\(Tmux.binary) k8s --kubeconfig \(kubeconfig)"], timeout: 5
                )
                .stdout.split(separator: "\n").compactMap { pid_t($0) }
                try #require(!svctop.isEmpty)
                if path == "suspend" {
                    try tmux.send("C-z")
                    #expect(
                        GoServiceTests.waitUntil(5) { svctop.allSatisfy { Self.processState($0) == "T" } },
                        "svctop not stopped: \(svctop.map { Self.processState($0) ?? "-" })")
                }
                let signal = ["term": SIGTERM, "hup": SIGHUP, "int": SIGINT][path] ?? SIGKILL
                for pid in svctop { kill(pid, signal) }
                #expect(
                    GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty },
                    "\(via), \(path): \(Self.kubectls(kubeconfig))")
            }
        }
    }
}

extension KubernetesEndToEndTests {
    /// Sets the selected row's log level to warn through the dialog, and waits for svctop to say it took.
    static func setLevelWarn(_ tmux: Tmux) throws {
        try tmux.send("l")
        #expect(try tmux.waitFor(5) { $0.contains("Set log level") }.0)
        try tmux.send("w")
        #expect(try tmux.waitFor(5) { $0.contains("Type y to confirm") }.0)
        try tmux.send("y")
        let (set, after) = try tmux.waitFor(10) { $0.contains("log level is now warn") }
        #expect(set, "\(after)")
    }

    /// The journal's text and its first entry.
    static func firstJournalEntry(_ path: String) throws -> (String, [String: Any]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let entry = try #require(
            text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.first)
        return (text, entry)
    }

    /// The state letter of a process (`R`, `S`, `T` for stopped…), from /proc; nil once it is gone.
    static func processState(_ pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }
}

/// A value shared with a task, behind a lock.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// The kubectl on PATH, if any.
enum Kubectl {
    static let path: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/kubectl"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()
}
