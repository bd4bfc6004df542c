import Foundation
import SvctopTestSupport

/// A real Prometheus (Debian's `prometheus` package, run as a plain process with a generated config and a
/// temporary TSDB directory), for the Prometheus source's tests. `.ci/run` unpacks the package under
/// /opt/prometheus-deb; `SVCTOP_PROMETHEUS` or `prometheus` on PATH also work.
final class PrometheusServer {
    let url: String
    let directory: String
    private let pid: pid_t

    static var binary: String? {
        var candidates = [ProcessInfo.processInfo.environment["SVCTOP_PROMETHEUS"]].compactMap { $0 }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/prometheus")
        }
        candidates.append("/opt/prometheus-deb/usr/bin/prometheus")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// promtool, from the same package.
    static var promtool: String? {
        binary.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("promtool").path }
    }

    static var isAvailable: Bool { binary != nil }

    /// Scrapes `targets` (host:port) every `interval` seconds as job `job`; `data` is a TSDB directory to start from
    /// (backfilled blocks), else a new one.
    /// `labels` adds target labels to some targets (as Kubernetes discovery would: namespace, pod).
    init(
        targets: [String], job: String = "svc", interval: Int = 1, data: String? = nil, arguments: [String] = [],
        labels: [String: [String: String]] = [:], metricsPath: String = "/metrics"
    ) throws {
        directory = try Scratch.directory("e2e")
        let port = try FaultServer.freePort()
        let list = targets.filter { labels[$0] == nil }.map { "\"\($0)\"" }.joined(separator: ", ")
        let labelled = targets.compactMap { target in
            labels[target].map { set in
                let pairs = set.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }
                return "      - targets: [\"\(target)\"]\n        labels: {\(pairs.joined(separator: ", "))}\n"
            }
        }.joined()
        let config =
            targets.isEmpty
            ? "global:\n  scrape_interval: \(interval)s\nscrape_configs: []\n"
            : """
            global:
              scrape_interval: \(interval)s
              scrape_timeout: \(interval)s
            scrape_configs:
              - job_name: \(job)
                metrics_path: \(metricsPath)
                static_configs:
                  - targets: [\(list)]
            \(labelled)
            """
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        url = "http://127.0.0.1:\(port)"
        pid = try spawn(
            Self.binary!,
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(data ?? directory + "/data")",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ] + arguments, stdout: "\(directory)/out.log", stderr: "\(directory)/err.log")
        let ready = GoServiceTests.waitUntil(30) {
            self.get("/-/ready")?.hasPrefix("Prometheus Server is Ready") == true
        }
        guard ready else {
            let log = (try? String(contentsOfFile: "\(directory)/err.log", encoding: .utf8)) ?? ""
            kill(pid, SIGKILL)
            throw PrometheusServerError(message: "Prometheus did not become ready: \(log.suffix(2000))")
        }
    }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: directory)
    }

    func get(_ path: String) -> String? {
        guard let r = try? runProcess("/usr/bin/curl", ["-sf", url + path], timeout: 20), r.status == 0 else {
            return nil
        }
        return r.stdout
    }

    /// An instant query's vector as (labels, value).
    func query(_ promql: String) -> [([String: String], Double)] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let q = promql.addingPercentEncoding(withAllowedCharacters: allowed) ?? promql
        guard let text = get("/api/v1/query?query=\(q)"),
            let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { return [] }
        return result.compactMap { item in
            guard let labels = item["metric"] as? [String: String], let value = item["value"] as? [Any],
                let v = (value.last as? String).flatMap(Double.init)
            else { return nil }
            return (labels, v)
        }
    }
}

struct PrometheusServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
