import SvctopCore
import Testing

@Suite("screens of a fleet of Kubernetes pods")
struct KubernetesScreenTests {
    static func pod(_ name: String, uid: String, restarts: Int = 0, termination: PodTermination? = nil) -> Pod {
        Pod(
            namespace: "shop", name: name, uid: uid, node: "node-3", restarts: restarts, lastTermination: termination,
            memoryLimit: 400e6, metrics: PodEndpoint(port: 9090, path: "/metrics"))
    }

    static let exposition = """
        # TYPE go_goroutines gauge
        go_goroutines 75
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes 100000000

        """

    @Test("the POD column, the title and status bar, the pod-spec limit behind memory %, a deleted pod marked gone")
    func fleetAndInstance() throws {
        var app = AppHarness(names: [], width: 160)
        app.useKubernetes(
            KubernetesState(
                context: "prod-eu", namespace: "shop", selection: "deploy/api", proxy: "http://127.0.0.1:8001",
                goneGrace: 120))
        let oom = PodTermination(reason: "OOMKilled", exitCode: 137, finishedAt: app.now - 180)
        app.send(
            .podsChanged(
                .listed(
                    [Self.pod("api-0", uid: "u0", restarts: 1, termination: oom), Self.pod("api-1", uid: "u1")],
                    scope: "deploy/api")))
        app.scrape { _ in Self.exposition }
        app.advance(1)
        var screen = app.screen
        #expect(screen.contains("-n shop deploy/api"), "\(screen)")
        #expect(screen.contains("k8s prod-eu · 2 pods"), "\(screen)")
        let lines = screen.split(separator: "\n")
        #expect(lines.contains { $0.contains("POD") && $0.contains("GOROUT") })
        let row0 = try #require(lines.first { $0.contains("api-0") && !$0.contains("worst") })
        #expect(row0.contains("OOMKilled 3m ago") && row0.contains("25%"), "\(row0)")
        let row1 = try #require(lines.first { $0.contains("api-1") && !$0.contains("worst") })
        #expect(row1.contains("Running"), "\(row1)")

        // The instance view: the pod's facts and where the limit comes from.
        while app.state.selected != 0 { app.press(.down) }
        app.press(.enter)
        screen = app.screen
        #expect(screen.contains("pod shop/api-0") && screen.contains("on node-3"), "\(screen)")
        #expect(screen.contains("restarts 1") && screen.contains("last OOMKilled 3m ago, exit 137"), "\(screen)")
        #expect(screen.contains("limit 381Mi (pod spec)"), "\(screen)")
        // A Go soft limit the service exports: the pod's still kills, the soft one is shown beside it.
        app.scrape { _ in Self.exposition + "go_gc_gomemlimit_bytes 340e6\n" }
        app.advance(1)
        #expect(app.screen.contains("limit 381Mi (pod spec)  Go soft 324Mi"), "\(app.screen)")
        app.press(.escape)

        // Deleted: the row stays, gone, with its last values.
        app.send(.podsChanged(.deleted(Self.pod("api-1", uid: "u1"), scope: "deploy/api")))
        app.advance(5)
        screen = app.screen
        let gone = try #require(screen.split(separator: "\n").first { $0.contains("api-1") && !$0.contains("worst") })
        #expect(gone.contains("gone") && gone.contains("75"), "\(gone)")
    }
}
