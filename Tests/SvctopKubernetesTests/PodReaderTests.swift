import Foundation
import SvctopCore
import Testing

@testable import SvctopKubernetes

/// Reading the API's pod objects, workload arguments and selectors.
@Suite("pod reader")
struct PodReaderTests {
    /// A pod object as the API serves it, with `containers` and `annotations` given as JSON text.
    static func apiPod(
        containers: String, annotations: String = "{}", statuses: String = "[]", phase: String = "Running",
        deleting: Bool = false
    ) throws -> APIPod {
        let json = """
            {"metadata": {"name": "api-7d9f-x2", "namespace": "shop", "uid": "0b1c", "resourceVersion": "42",
              "annotations": \(annotations)\(deleting ? ", \"deletionTimestamp\": \"2026-12-03T06:00:00Z\"" : "")},
             "spec": {"nodeName": "node-3", "containers": \(containers)},
             "status": {"phase": "\(phase)", "conditions": [{"type": "Ready", "status": "True"}],
               "containerStatuses": \(statuses)}}
            """
        return try JSONDecoder().decode(APIPod.self, from: Data(json.utf8))
    }

    static let twoContainers = """
        [{"name": "proxy", "ports": [{"name": "http", "containerPort": 15001}]},
         {"name": "app", "ports": [{"name": "web", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}],
          "resources": {"limits": {"memory": "256Mi", "cpu": "500m"}},
          "livenessProbe": {"httpGet": {"path": "/healthz", "port": "web"}},
          "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"}}}]
        """

    @Test("a port named metrics wins; probes and the memory limit come from the container that has it")
    func namedPort() throws {
        let pod = try #require(
            PodReader.pod(
                try Self.apiPod(containers: Self.twoContainers, annotations: #"{"prometheus.io/port": "15001"}"#),
                port: nil))
        #expect(pod.name == "api-7d9f-x2" && pod.namespace == "shop" && pod.uid == "0b1c" && pod.node == "node-3")
        #expect(pod.isReady && pod.phase == "Running" && !pod.isTerminating)
        #expect(pod.metrics == PodEndpoint(port: 9090, path: "/metrics"))
        #expect(pod.liveness == PodEndpoint(port: 8080, path: "/healthz"))
        #expect(pod.readiness == PodEndpoint(port: 8080, path: "/ready"))
        #expect(pod.memoryLimit == Double(256 << 20))
        #expect(pod.problem == nil && pod.isScrapable)
    }

    @Test("the prometheus.io annotations when no port is named metrics; then the first port; then a reason")
    func portOrder() throws {
        let plain = #"[{"name": "app", "ports": [{"containerPort": 8080}, {"containerPort": 2112}]}]"#
        let annotated = try #require(
            PodReader.pod(
                try Self.apiPod(
                    containers: plain, annotations: #"{"prometheus.io/port": "2112", "prometheus.io/path": "/m"}"#),
                port: nil))
        #expect(annotated.metrics == PodEndpoint(port: 2112, path: "/m"))
        let first = try #require(PodReader.pod(try Self.apiPod(containers: plain), port: nil))
        #expect(first.metrics == PodEndpoint(port: 8080, path: "/metrics"))
        let none = try #require(PodReader.pod(try Self.apiPod(containers: #"[{"name": "app"}]"#), port: nil))
        #expect(none.metrics == nil && !none.isScrapable)
        #expect(none.problem == "no container port and no prometheus.io/port annotation (use --port)")
    }

    @Test("--port by number or by name; a name no container has is the pod's problem")
    func portChoice() throws {
        let api = try Self.apiPod(containers: Self.twoContainers)
        #expect(PodReader.pod(api, port: PortChoice("15001"))?.metrics == PodEndpoint(port: 15001, path: "/metrics"))
        #expect(PodReader.pod(api, port: PortChoice("15001"))?.readiness == nil)
        #expect(PodReader.pod(api, port: PortChoice("web"))?.metrics?.port == 8080)
        let missing = try #require(PodReader.pod(api, port: PortChoice("admin")))
        #expect(missing.metrics == nil && missing.problem == "no container port named admin")
        #expect(PortChoice("9090") == .number(9090) && PortChoice("70000") == .name("70000"))
    }

    @Test("restarts and the last termination of the watched container; deletion; a pod without a uid is skipped")
    func status() throws {
        let statuses = """
            [{"name": "proxy", "restartCount": 9},
             {"name": "app", "restartCount": 2, "state": {"running": {}},
              "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                "finishedAt": "2026-12-03T05:58:00Z"}}}]
            """
        let pod = try #require(
            PodReader.pod(
                try Self.apiPod(containers: Self.twoContainers, statuses: statuses, deleting: true), port: nil))
        #expect(pod.restarts == 2)
        #expect(pod.lastTermination?.reason == "OOMKilled" && pod.lastTermination?.exitCode == 137)
        #expect(pod.lastTermination?.finishedAt == 1_796_277_480)
        #expect(pod.lastTermination?.text(now: 1_796_277_480 + 180) == "OOMKilled 3m ago")
        #expect(pod.isTerminating)
        let anonymous = try JSONDecoder().decode(APIPod.self, from: Data(#"{"metadata": {"name": "x"}}"#.utf8))
        #expect(PodReader.pod(anonymous, port: nil) == nil)
        #expect(PodReader.time("2026-12-03T05:58:00.250Z") == 1_796_277_480.25)
    }

    @Test("HTTPS, exec and unnamed-port probes are not probed through the proxy")
    func probes() throws {
        let containers = """
            [{"name": "app", "ports": [{"name": "metrics", "containerPort": 9090}],
              "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8443, "scheme": "HTTPS"}},
              "readinessProbe": {"httpGet": {"path": "/ready", "port": "admin"}}}]
            """
        let pod = try #require(PodReader.pod(try Self.apiPod(containers: containers), port: nil))
        #expect(pod.liveness == nil && pod.readiness == nil)
    }

    @Test("workload arguments in kubectl's forms; a clear error for the rest")
    func workloads() throws {
        #expect(try WorkloadRef("deploy/api") == .apps(resource: "deployments", name: "api"))
        #expect(try WorkloadRef("statefulset.apps/db") == .apps(resource: "statefulsets", name: "db"))
        #expect(try WorkloadRef("ds/agent").description == "ds/agent")
        #expect(try WorkloadRef("services/web") == .service("web"))
        #expect(try WorkloadRef("po/api-0") == .pod("api-0"))
        #expect(throws: WorkloadRefError.self) { try WorkloadRef("api") }
        do {
            _ = try WorkloadRef("cronjob/nightly")
            Issue.record("cronjob/nightly parsed")
        } catch {
            #expect(
                error.description
                    == "invalid workload 'cronjob/nightly': unknown type 'cronjob' (deploy, sts, ds, rs, svc or pod)")
        }
    }

    @Test("a workload's selector as labelSelector text, expressions included")
    func selectors() throws {
        let json = """
            {"matchLabels": {"tier": "web", "app": "api"},
             "matchExpressions": [{"key": "track", "operator": "In", "values": ["stable", "canary"]},
                                  {"key": "legacy", "operator": "DoesNotExist"},
                                  {"key": "zone", "operator": "NotIn", "values": ["b"]},
                                  {"key": "owner", "operator": "Exists"}]}
            """
        let s = try JSONDecoder().decode(LabelSelector.self, from: Data(json.utf8))
        #expect(s.text == "app=api,tier=web,track in (stable,canary),!legacy,zone notin (b),owner")
        #expect(LabelSelector.text(labels: [:]) == nil)
        #expect(LabelSelector.text(labels: ["app": "web"]) == "app=web")
    }
}
