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
        let (api, kubeconfig, processes, _) = try Self.fleet(["api-a", "api-b"])
        // The pods' processes live until the test ends (they stop when released).
        defer { withExtendedLifetime(processes) { api.stop() } }
        api.forbidProxy = true
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
    @Test(
        "--via port-forward: a killed forwarder is said at once, its row goes stale within two intervals and is live again after the backoff, on the same local port; the other row never misses an update; a replaced pod's forward moves to the new pod; no kubectl left after q"
    )
    func portForwardRestart() throws {
        try #require(Tmux.isAvailable)
        let (api, kubeconfig, processes, pods) = try Self.fleet(["api-a", "api-b"])
        defer { withExtendedLifetime(processes) { api.stop() } }
        let tmux = try Tmux(
            width: 160, height: 40,
            command:
                "\(Tmux.binary) k8s --kubeconfig \(kubeconfig) -l app=api --via port-forward --interval 1s --no-record; sleep 30"
        )
        let fresh = Self.isFresh
        let (up, screen) = try tmux.waitFor(30) { fresh($0, "api-a") && fresh($0, "api-b") }
        #expect(up, "\(screen)")
        let before = Self.forwarders(kubeconfig)
        #expect(before.count == 2, "\(before)")
        let victim = try #require(before.first { $0.line.contains("pod/api-a") })
        // The local port it was given: "… pod/api-a :8080" on the first start; the restart asks for it again.
        kill(victim.pid, SIGKILL)
        let killed = Date()
        var other = true
        let (stale, down) = try tmux.waitFor(10) { s in
            if !fresh(s, "api-b") { other = false }
            return !fresh(s, "api-a") && s.contains("port-forward to api-a")
        }
        #expect(stale, "\(down)")
        #expect(Date().timeIntervalSince(killed) < 2.5, "stale after \(Date().timeIntervalSince(killed)) s")
        let (back, again) = try tmux.waitFor(15) { s in
            if !fresh(s, "api-b") { other = false }
            return fresh(s, "api-a")
        }
        #expect(back, "\(again)")
        #expect(other, "api-b missed an update")
        let after = Self.forwarders(kubeconfig)
        #expect(after.count == 2 && !after.contains { $0.pid == victim.pid }, "\(after)")
        let restarted = try #require(after.first { $0.line.contains("pod/api-a") })
        #expect(
            restarted.line.range(of: #"\d+:8080"#, options: .regularExpression) != nil,
            "the restart asks for the same local port: \(restarted.line)")

        // The pod is replaced: its forward stops, the new pod gets one of its own and a live row.
        api.delete(pods[0].uid)
        let c = try PodProcess()
        api.add(KubeTestAPI.FakePod(name: "api-c", backend: c.port))
        let (replaced, later) = try tmux.waitFor(10) { s in
            (Self.row(s, "api-a") ?? "").contains("gone") && fresh(s, "api-c")
        }
        #expect(replaced, "\(later)")
        #expect(
            GoServiceTests.waitUntil(5) {
                let now = Self.forwarders(kubeconfig)
                return now.count == 2 && now.contains { $0.line.contains("pod/api-c") }
                    && !now.contains { $0.line.contains("pod/api-a") }
            }, "\(Self.forwarders(kubeconfig))")
        try tmux.send("q")
        #expect(GoServiceTests.waitUntil(5) { Self.kubectls(kubeconfig).isEmpty }, "\(Self.kubectls(kubeconfig))")
    }
}
