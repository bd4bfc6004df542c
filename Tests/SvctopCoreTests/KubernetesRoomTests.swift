import Testing

@testable import SvctopCore

/// The Kubernetes room (App/Kubernetes/): rows keyed by pod UID, polling that follows the pod, deleted pods kept
/// for a grace period, the pod proxy's 403 said once.
@Suite("kubernetes room")
struct KubernetesRoomTests {
    static func state(namespace: String? = "shop", grace: Double = 120) -> AppState {
        var s = AppState(targets: [], now: 0)
        s.kubernetes = KubernetesState(
            context: "prod", namespace: namespace, selection: "-l app=api", proxy: "http://127.0.0.1:8001/",
            goneGrace: grace)
        return s
    }

    static func pod(
        _ name: String, uid: String, phase: String = "Running", port: Int? = 9090, restarts: Int = 0,
        termination: PodTermination? = nil, limit: Double? = nil
    ) -> Pod {
        Pod(
            namespace: "shop", name: name, uid: uid, node: "node-1", phase: phase, restarts: restarts,
            lastTermination: termination, memoryLimit: limit,
            metrics: port.map { PodEndpoint(port: $0, path: "/metrics") },
            readiness: PodEndpoint(port: 8080, path: "/ready"),
            problem: port == nil ? "no container port and no prometheus.io/port annotation (use --port)" : nil)
    }

    @Test("a pod's target goes through the pod proxy: metrics to its port, probes where the kubelet probes")
    func target() {
        let p = Self.pod("api-1", uid: "u1", limit: Double(256 << 20))
        let t = p.target(proxy: "http://127.0.0.1:8001/", profile: .go, qualified: false, context: "prod")
        #expect(t.name == "api-1")
        #expect(t.baseURL == "http://127.0.0.1:8001/api/v1/namespaces/shop/pods")
        #expect(t.profile.endpoints.metrics.path == "/api-1:9090/proxy/metrics")
        #expect(t.profile.endpoints.readiness.path == "/api-1:8080/proxy/ready")
        #expect(t.profile.endpoints.goroutineDump.path.hasPrefix("/api-1:9090/proxy/"))
        #expect(t.profile.memoryLimit == Double(256 << 20))
        #expect(t.profile.memoryLimitOrigin == .podSpec)
        #expect(t.kubernetes == ["context": "prod", "namespace": "shop", "pod": "api-1", "uid": "u1"])
        let all = p.target(proxy: "http://127.0.0.1:8001", profile: .go, qualified: true, context: "prod")
        #expect(all.name == "shop/api-1")
    }

    @Test("a list makes one row per pod and starts polling the running ones; a pod without a port says why")
    func listed() {
        var s = Self.state()
        let effects = s.reduce(
            .podsChanged(
                .listed(
                    [
                        Self.pod("api-2", uid: "u2"), Self.pod("api-1", uid: "u1"),
                        Self.pod("sidecar", uid: "u3", port: nil),
                    ],
                    scope: "-l app=api")), now: 1)
        #expect(s.instances.map(\.target.name) == ["api-1", "api-2", "sidecar"])
        #expect(s.kubernetes?.rows == ["u1": 0, "u2": 1, "u3": 2])
        #expect(s.kubernetes?.isListed == true)
        #expect(effects.count == 2)
        #expect(effects.first == .startPolling(0, s.instances[0].target))
        #expect(
            s.instances[2].status
                == .down(.other("no container port and no prometheus.io/port annotation (use --port)")))
    }

    @Test(
        "a replacement under the same name is a new row; the deleted pod's row is marked gone, then hidden after the grace"
    )
    func replacement() {
        var s = Self.state(grace: 60)
        _ = s.reduce(.podsChanged(.listed([Self.pod("api-0", uid: "old")], scope: "s")), now: 1)
        _ = s.reduce(
            .scrapeCompleted(0, .success(ReducerTests.metrics(goroutines: 40, inflight: 0), duration: 0.01)), now: 2)
        let stop = s.reduce(.podsChanged(.deleted(Self.pod("api-0", uid: "old"), scope: "s")), now: 10)
        #expect(stop == [.stopPolling(0)])
        #expect(s.instances[0].podGoneAt == 10)
        let start = s.reduce(
            .podsChanged(
                .updated(
                    Self.pod(
                        "api-0", uid: "new", restarts: 1,
                        termination: PodTermination(reason: "OOMKilled", exitCode: 137, finishedAt: 9)), scope: "s")),
            now: 11)
        #expect(s.instances.count == 2)
        #expect(start == [.startPolling(1, s.instances[1].target)])
        // In-flight results for the deleted pod change nothing.
        _ = s.reduce(.scrapeCompleted(0, .failure(.refused, duration: 0.01)), now: 12)
        #expect(s.instances[0].status == .down(.gone))
        #expect(s.instances[0].reasons.first?.hasPrefix("pod deleted") == true)
        _ = s.reduce(
            .scrapeCompleted(1, .success(ReducerTests.metrics(goroutines: 12, inflight: 0), duration: 0.01)), now: 12)
        #expect(s.instances[1].reasons.contains { $0.contains("OOMKilled") && $0.contains("exit 137") })
        #expect(s.visibleInstances().contains(0))
        _ = s.reduce(.ticked, now: 71)
        #expect(s.visibleInstances() == [1])
    }

    @Test("a re-list retires the pods it no longer has, only those of its own selection")
    func relist() {
        var s = Self.state()
        _ = s.reduce(.podsChanged(.listed([Self.pod("api-1", uid: "u1")], scope: "deploy/api")), now: 1)
        _ = s.reduce(.podsChanged(.listed([Self.pod("db-0", uid: "d0")], scope: "sts/db")), now: 1)
        let effects = s.reduce(.podsChanged(.listed([], scope: "deploy/api")), now: 5)
        #expect(effects == [.stopPolling(0)])
        #expect(s.instances[0].podGoneAt == 5)
        #expect(s.instances[1].podGoneAt == nil)
    }

    @Test("a pod that stops running stops being polled, and is polled again when it runs")
    func phases() {
        var s = Self.state()
        _ = s.reduce(.podsChanged(.listed([Self.pod("api-1", uid: "u1", phase: "Pending")], scope: "s")), now: 1)
        #expect(s.instances[0].status == .down(.other("pod Pending")))
        let start = s.reduce(.podsChanged(.updated(Self.pod("api-1", uid: "u1"), scope: "s")), now: 2)
        #expect(start == [.startPolling(0, s.instances[0].target)])
        let stop = s.reduce(.podsChanged(.updated(Self.pod("api-1", uid: "u1", phase: "Failed"), scope: "s")), now: 3)
        #expect(stop == [.stopPolling(0)])
        #expect(s.instances[0].status == .down(.other("pod Failed")))
    }

    @Test("a 403 from the pod proxy is one line with the way out; the next good change clears it")
    func forbidden() {
        var s = Self.state()
        _ = s.reduce(.podsChanged(.listed([Self.pod("api-1", uid: "u1")], scope: "s")), now: 1)
        _ = s.reduce(.scrapeCompleted(0, .failure(.httpStatus(403, "Forbidden"), duration: 0.01)), now: 2)
        #expect(s.kubernetes?.error == AppState.proxyForbidden)
        #expect(
            AppState.proxyForbidden.contains("pods/proxy") && AppState.proxyForbidden.contains("--via port-forward"))
        _ = s.reduce(.kubernetesFailed("watch: connection refused"), now: 3)
        #expect(s.kubernetes?.error == "watch: connection refused")
        _ = s.reduce(.podsChanged(.updated(Self.pod("api-1", uid: "u1"), scope: "s")), now: 4)
        #expect(s.kubernetes?.error == nil)
    }

    @Test(
        "the pod spec's limit drives memory % and the OOM estimate, and says so; over a Go soft limit, not over a cgroup one"
    )
    func podSpecLimit() throws {
        var s = Self.state()
        _ = s.reduce(.podsChanged(.listed([Self.pod("api-1", uid: "u1", limit: 400e6)], scope: "s")), now: 0)
        for t in 0...120 {
            // 100 MB growing 1 MB a second: 300 s to the limit at t = 0, 180 s at t = 120.
            let rss = 100e6 + Double(t) * 1e6
            _ = s.reduce(
                .scrapeCompleted(
                    0,
                    .success(
                        MetricSet.parse("go_goroutines 10\nprocess_resident_memory_bytes \(rss)\n"), duration: 0.01)),
                now: Double(t))
        }
        let i = s.instances[0]
        #expect(i.reading?.memoryLimit == 400e6)
        #expect(abs((i.memoryRatio ?? 0) - 220e6 / 400e6) < 1e-9)
        let oom = try #require(i.oom)
        #expect(oom.limitSource == .podSpec && oom.limit == 400e6)
        #expect(abs(oom.seconds - 180) < 1, "\(oom.seconds)")
        #expect(oom.basis.contains("the pod's memory limit"))
        // The pod's limit is the one that kills: it wins over a Go soft limit the service exports (kept beside it),
        // not over the container's own cgroup limit when the service exports that.
        _ = s.reduce(
            .scrapeCompleted(
                0,
                .success(
                    MetricSet.parse(
                        "go_goroutines 10\nprocess_resident_memory_bytes 221e6\ngo_gc_gomemlimit_bytes 300e6\n"),
                    duration: 0.01)), now: 121)
        #expect(s.instances[0].reading?.memoryLimit == 400e6 && s.instances[0].reading?.goSoftLimit == 300e6)
        #expect(s.instances[0].oom?.limitSource == .podSpec)
        _ = s.reduce(
            .scrapeCompleted(
                0,
                .success(
                    MetricSet.parse(
                        "go_goroutines 10\nprocess_resident_memory_bytes 222e6\ngo_gc_gomemlimit_bytes 300e6\ncontainer_spec_memory_limit_bytes 380e6\n"
                    ), duration: 0.01)), now: 122)
        #expect(s.instances[0].reading?.memoryLimit == 380e6 && s.instances[0].reading?.goSoftLimit == 300e6)
        #expect(s.instances[0].oom?.limitSource == .container)
    }

    @Test("quantities: binary and decimal suffixes, exponents, garbage")
    func quantities() {
        #expect(KubeQuantity.value("512Mi") == Double(512 << 20))
        #expect(KubeQuantity.value("1.5Gi") == 1.5 * 1024 * 1024 * 1024)
        #expect(KubeQuantity.value("1G") == 1e9)
        #expect(KubeQuantity.value("129e6") == 129e6)
        #expect(KubeQuantity.value("1E3") == 1000)
        #expect(KubeQuantity.value("128974848") == 128_974_848)
        #expect(KubeQuantity.value("500m") == 0.5)
        #expect(KubeQuantity.value("lots") == nil)
        #expect(KubeQuantity.value("") == nil)
        #expect(KubeQuantity.value("-1Gi") == nil)
    }

    @Test(
        "through port-forwards: a running pod asks for a forward of its metrics and probe ports, polls once it serves, again on new ports, and both stop when the pod goes"
    )
    func portForward() throws {
        var s = Self.state()
        s.kubernetes?.via = .portForward
        let start = s.reduce(.podsChanged(.listed([Self.pod("api-1", uid: "u1")], scope: "s")), now: 1)
        #expect(start == [.forwardPod(0, PodForward(namespace: "shop", pod: "api-1", ports: [9090, 8080]))])
        #expect(!s.instances[0].target.isReachable)
        #expect(s.instances[0].target.unreachableReason.contains("port-forward"))
        let polled = s.reduce(.podForwarded(0, [9090: 41000, 8080: 41001]), now: 2)
        let target = s.instances[0].target
        #expect(polled == [.startPolling(0, target)])
        #expect(target.baseURL == "http://127.0.0.1:41000")
        #expect(target.probeBaseURL == "http://127.0.0.1:41001")
        #expect(target.profile.endpoints.metrics.path == "/metrics")
        #expect(target.profile.endpoints.readiness.path == "/ready")
        #expect(target.kubernetes?["uid"] == "u1")
        // The same ports again (a restart that got them back): nothing to change.
        #expect(s.reduce(.podForwarded(0, [9090: 41000, 8080: 41001]), now: 3) == [])
        let moved = s.reduce(.podForwarded(0, [9090: 42000, 8080: 42001]), now: 4)
        #expect(moved == [.stopPolling(0), .startPolling(0, s.instances[0].target)])
        #expect(s.instances[0].target.baseURL == "http://127.0.0.1:42000")
        _ = s.reduce(.podForwardFailed(0, "kubectl port-forward exited; restarting it in 1s"), now: 5)
        #expect(s.message?.text.contains("port-forward to api-1: kubectl port-forward exited") == true)
        let gone = s.reduce(.podsChanged(.deleted(Self.pod("api-1", uid: "u1"), scope: "s")), now: 6)
        #expect(gone == [.stopPolling(0), .stopForward(0)])
        // A forward that answers after the pod went changes nothing.
        #expect(s.reduce(.podForwarded(0, [9090: 43000]), now: 7) == [])
    }

    @Test("through port-forwards, a pod whose probes share the metrics port forwards one port, probed there")
    func portForwardOnePort() {
        var s = Self.state()
        s.kubernetes?.via = .portForward
        var pod = Self.pod("api-1", uid: "u1")
        pod.readiness = PodEndpoint(port: 9090, path: "/ready")
        let start = s.reduce(.podsChanged(.listed([pod], scope: "s")), now: 1)
        #expect(start == [.forwardPod(0, PodForward(namespace: "shop", pod: "api-1", ports: [9090]))])
        _ = s.reduce(.podForwarded(0, [9090: 41000]), now: 2)
        #expect(s.instances[0].target.probeBaseURL == nil)
        #expect(s.instances[0].target.baseURL == "http://127.0.0.1:41000")
    }
}
