import Foundation
import Testing

/// `svctop k8s --via port-forward`: one real `kubectl port-forward` per pod, over SPDY to the test API server.
extension KubernetesEndToEndTests {
    /// kubectl's port-forward processes for this kubeconfig (not the guard shells, not `kubectl proxy`): pid and
    /// command line.
    static func forwarders(_ kubeconfig: String) -> [(pid: pid_t, line: String)] {
        kubectls(kubeconfig).compactMap { line in
            let words = line.split(separator: " ")
            guard words.count > 1, words[1] == "kubectl", line.contains(" port-forward "), let pid = pid_t(words[0])
            else { return nil }
            return (pid, line)
        }
    }

    @Test(
        "--via port-forward --once --format json: every pod scraped and probed through its own port-forward, none through the pod proxy (forbidden here); no kubectl left"
    )
    func portForwardSnapshot() throws {
        let api = try Self.api()
        defer { api.stop() }
        api.forbidProxy = true
        let dir = try TerminalEndToEndTests.tempDir()
        let kubeconfig = try api.kubeconfig(in: dir)
        let a = try PodProcess()
        let b = try PodProcess()
        var first = KubeTestAPI.FakePod(name: "api-a", backend: a.port)
        first.memoryLimit = "512Mi"
        api.add(first)
        api.add(KubeTestAPI.FakePod(name: "api-b", backend: b.port))
        let result = try runProcess(
            Tmux.binary,
            [
                "k8s", "--kubeconfig", kubeconfig, "-l", "app=api", "--via", "port-forward", "--once", "--format",
                "json", "--interval", "1s",
            ],
            timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.snapshots(result.stdout)
        #expect(Set(rows.keys) == ["api-a", "api-b"], "\(rows.keys)")
        for (name, row) in rows {
            #expect(row["up"] as? Bool == true, "\(name): \(row)")
            #expect((row["goroutines"] as? Double ?? 0) > 0, "\(name): \(row)")
            let health = try #require(row["health"] as? [String: Any])
            #expect(health["live"] as? Bool == true && health["ready"] as? Bool == true, "\(name): \(health)")
            #expect(row["pod"] as? String == name)
        }
        #expect(api.proxiedCount == 0)
        #expect(api.forwardedStreams >= 4, "streams: \(api.forwardedStreams)")
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }
}

extension KubernetesEndToEndTests {
    @Test("DEBUG serve", .enabled(if: ProcessInfo.processInfo.environment["SVCTOP_DEBUG_SERVE"] != nil))
    func debugServe() throws {
        let api = try Self.api()
        defer { api.stop() }
        let dir = "/tmp/kdebug"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let kubeconfig = try api.kubeconfig(in: dir)
        let a = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-a", backend: a.port))
        print("KUBECONFIG \(kubeconfig) backend \(a.port)")
        Thread.sleep(forTimeInterval: 300)
    }
}
