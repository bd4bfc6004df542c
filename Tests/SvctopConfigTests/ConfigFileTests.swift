import SvctopTestSupport
import Testing
@testable import SvctopConfig
@testable import SvctopCore

@Suite("config file")
struct ConfigFileTests {
    static let full = """
        defaults:
          interval: 500ms
          timeout: 400ms
          latency_window: 1m
          max_body: 8MiB
          read_only: true
          theme: light
          journal: /var/tmp/svctop-journal.jsonl
          dump_dir: /var/tmp/dumps
          leak: { window: 3m, min_slope_per_minute: 10, min_fit: 0.9 }
          memory: { warning: 0.7, critical: 0.85 }
          pools: { warning: 0.75, critical: 0.9 }
          drain: { timeout: 90s, max_share: 0.34 }
          errors: { warning: 0.02, critical: 0.1 }
          outlier_factor: 4
          timed_debug: 5m
        auth:
          bearer_token_env: SVCTOP_TOKEN
          headers: { X-Team: sre }
        tls:
          ca_file: /etc/ssl/ca.pem
        profiles:
          envoy-drain:
            base: go
            endpoints:
              drain: POST /healthcheck/fail
              undrain: POST /healthcheck/ok
            signals:
              inflight: [envoy_http_downstream_rq_active]
          java:
            base: generic
            signals:
              memory: jvm_memory_used_bytes
            memory_limit: 2GiB
        targets:
          - localhost:8080
          - name: api-2
            url: http://127.0.0.1:8081/base
            profile: envoy-drain
            memory_limit: 512MiB
            handler: /api/orders
        keys:
          drain: [X]
          quit: [q, Ctrl-q]
        """

    @Test("a full example parses into every setting")
    func full() throws {
        let c = try ConfigFile.parse(yaml: Self.full, file: "fleet.yaml")
        var s = Settings()
        c.apply(to: &s)
        #expect(s.interval == 0.5)
        #expect(s.timeout == 0.4)
        #expect(s.latencyWindow == 60)
        #expect(s.maxBodyBytes == Double(8 << 20))
        #expect(s.isReadOnly == true)
        #expect(s.theme == "light")
        #expect(s.journal == "/var/tmp/svctop-journal.jsonl" && s.dumpDirectory == "/var/tmp/dumps")
        #expect(s.leakWindow == 180 && s.leakMinSlopePerMinute == 10 && s.leakMinFit == 0.9)
        #expect(s.memoryWarning == 0.7 && s.memoryCritical == 0.85)
        #expect(s.poolWarning == 0.75 && s.poolCritical == 0.9)
        #expect(s.errorWarning == 0.02 && s.errorCritical == 0.1)
        #expect(s.outlierFactor == 4)
        #expect(s.drainTimeout == 90 && s.maxDrainShare == 0.34)
        #expect(s.timedDebugDuration == 300)
        #expect(c.bearerTokenEnv == "SVCTOP_TOKEN")
        #expect(c.transport.headers == [.init("X-Team", "sre")])
        #expect(c.transport.caFile == "/etc/ssl/ca.pem")
        let envoy = try #require(c.profiles["envoy-drain"])
        #expect(envoy.endpoints.drain == Endpoint("POST", "/healthcheck/fail"))
        #expect(envoy.endpoints.undrain == Endpoint("POST", "/healthcheck/ok"))
        #expect(envoy.candidates(.inflight) == ["envoy_http_downstream_rq_active"])
        #expect(envoy.candidates(.goroutines) == ["go_goroutines"], "inherits the go profile")
        let java = try #require(c.profiles["java"])
        #expect(java.candidates(.goroutines).isEmpty)
        #expect(java.candidates(.memory) == ["jvm_memory_used_bytes"])
        #expect(java.memoryLimit == 2_147_483_648.0)
        #expect(c.targets.count == 2)
        #expect(c.targets[0].url == "localhost:8080")
        #expect(
            c.targets[1]
                == ConfiguredTarget(
                    name: "api-2", url: "http://127.0.0.1:8081/base", profile: "envoy-drain",
                    memoryLimit: 536_870_912.0, handler: "/api/orders"))
        #expect(c.keys[.drain] == [.char("X")])
        #expect(c.keys[.quit] == [.char("q"), .ctrl("q")])
    }

    @Test(
        "mistakes name the file, line and key",
        arguments: [
            ("defaults:\n  intervall: 1s\n", 2, "defaults.intervall", "unknown key"),
            ("defaults:\n  interval: fast\n", 2, "defaults.interval", "expected a duration"),
            ("targets:\n  - name: a\n", 2, "targets[0]", "needs a url"),
            ("targets:\n  - url: http://host:notaport\n", 2, "targets[0].url", "invalid port"),
            ("targets:\n  - url: localhost:1\n    profile: nope\n", 3, "targets[0].profile", "unknown profile"),
            ("auth:\n  bearer_token: abc\n", 2, "auth.bearer_token", "secrets are not accepted inline"),
            ("targets:\n  - url: localhost:1\n    tls:\n      ca: x.pem\n", 4, "targets[0].tls.ca", "unknown key"),
            (
                "targets:\n  - url: localhost:1\n    auth:\n      password: x\n", 4, "targets[0].auth.password",
                "not accepted inline"
            ),
            ("targets:\n  - url: localhost:1\n    tls:\n      cert_file: c.pem\n", 4, "targets[0].tls", "go together"),
            ("keys:\n  explode: [x]\n", 2, "keys.explode", "unknown key"),
            ("defaults:\n  read_only: sometimes\n", 2, "defaults.read_only", "true or false"),
            ("defaults:\n  interval: 10ms\n", 2, "defaults.interval", "at least 50ms"),
            (
                "defaults:\n  leak: { windo: 1m }\n", 2, "defaults.leak.windo",
                "allowed: window, min_slope_per_minute, min_fit"
            ),
            ("defaults:\n  errors: { warning: 2 }\n", 2, "defaults.errors.warning", "between 0 and 1"),
            (
                "profiles:\n  p:\n    signals:\n      goroutinez: [x]\n", 4, "profiles.p.signals.goroutinez",
                "unknown key"
            ),
            ("wat: 1\n", 1, "wat", "unknown key"),
            ("prometheus:\n  selector: '{job=\"a\"}'\n", 2, "prometheus.url", "missing"),
            ("prometheus:\n  url: http://p:9090\n  step: soon\n", 3, "prometheus.step", "expected a duration"),
            ("prometheus:\n  url: http://p:9090\n  selectr: x\n", 3, "prometheus.selectr", "allowed: url, selector"),
            (
                "prometheus:\n  url: http://p:9090\n  selector: 'up{job=\"a\"}'\n", 2, "prometheus",
                "label matchers only"
            ),
            (
                "prometheus:\n  url: http://p:9090\n  auth:\n    bearer_token: t\n", 4, "prometheus.auth.bearer_token",
                "not accepted inline"
            ),
            ("defaults: [1, 2\n", 2, "", "invalid YAML"),
            ("kubernetes:\n  namespace: shop\n", 2, "kubernetes", "say which pods"),
            ("kubernetes:\n  selector: app=api\n  gone_grace: later\n", 3, "kubernetes.gone_grace", "like 2m"),
            ("kubernetes:\n  workloads: [api]\n", 2, "kubernetes.workloads[0]", "TYPE/NAME"),
            ("kubernetes:\n  workloads: deploy/api\n", 2, "kubernetes.workloads", "expected a list"),
            ("kubernetes:\n  selector: a=b\n  via: tunnel\n", 3, "kubernetes.via", "expected proxy or port-forward"),
            ("kubernetes:\n  selector: a=b\n  vía: proxy\n", 3, "kubernetes.vía", "allowed: namespace"),
            (
                "kubernetes:\n  selector: a=b\n  namespace: x\n  all_namespaces: true\n", 2, "kubernetes",
                "exclude each other"
            ),
        ])
    func mistakes(yaml: String, line: Int, key: String, message: String) {
        do {
            _ = try ConfigFile.parse(yaml: yaml, file: "fleet.yaml")
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.file == "fleet.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("a prometheus: section: server, selector, label, step, scrape interval, profile, its own auth and tls")
    func prometheus() throws {
        let config = try ConfigFile.parse(
            yaml: """
                prometheus:
                  url: https://thanos.example
                  selector: '{job="checkout"}'
                  instance_label: pod
                  step: 5s
                  scrape_interval: 30s
                  profile: generic
                  auth: { bearer_token_env: THANOS_TOKEN }
                  tls: { ca_file: /etc/ssl/thanos.pem }
                """, file: "fleet.yaml")
        let p = try #require(config.prometheus)
        #expect(p.url == "https://thanos.example" && p.selector == "{job=\"checkout\"}" && p.instanceLabel == "pod")
        #expect(p.step == 5 && p.scrapeInterval == 30 && p.profile == "generic")
        #expect(p.access?.bearerTokenEnv == "THANOS_TOKEN" && p.access?.transport.caFile == "/etc/ssl/thanos.pem")
    }

    @Test("a kubernetes: section beside static targets: selection, namespace, context, kubeconfig, port, grace")
    func kubernetes() throws {
        let config = try ConfigFile.parse(
            yaml: """
                targets: [localhost:9100]
                kubernetes:
                  namespace: shop
                  selector: app=api,tier!=canary
                  workloads: [deploy/checkout, sts/db]
                  context: prod-eu
                  kubeconfig: ~/.kube/prod
                  port: metrics
                  gone_grace: 5m
                  via: port-forward
                """, file: "fleet.yaml")
        let k = try #require(config.kubernetes)
        #expect(config.targets.count == 1)
        #expect(k.namespace == "shop" && !k.allNamespaces && k.selector == "app=api,tier!=canary")
        #expect(k.workloads == ["deploy/checkout", "sts/db"])
        #expect(k.context == "prod-eu" && k.kubeconfig == "~/.kube/prod" && k.port == "metrics" && k.goneGrace == 300)
        #expect(k.via == .portForward)
        let all = try ConfigFile.parse(
            yaml: "kubernetes: { all_namespaces: true, selector: team=pay, port: 9090 }\n", file: "x")
        #expect(all.kubernetes?.allNamespaces == true && all.kubernetes?.port == "9090")
    }

    @Test("an empty file is an empty config")
    func empty() throws {
        #expect(try ConfigFile.parse(yaml: "", file: "x") == ConfigFile())
    }

    @Test("mutated configs never crash")
    func fuzz() {
        let source = Array(Self.full.utf8)
        var random = SeededRandom.forFuzzing("config")
        for _ in 0..<300 {
            var bytes = source
            for _ in 0..<4 {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0x20...0x7e, using: &random)
            }
            do {
                _ = try ConfigFile.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz")
            } catch {
                #expect(error.file == "fuzz" && !error.message.isEmpty, "\(random.label): \(error)")
            }
        }
    }
}
