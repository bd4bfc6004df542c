import ArgumentParser
import SvctopCore
import SvctopKubernetes

/// `svctop prom URL`: the fleet a Prometheus-compatible server scrapes, from its query API.
struct PromCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop prom",
        abstract:
            "Watch the instances a Prometheus-compatible server scrapes (Prometheus, Thanos Query, VictoriaMetrics, Mimir).",
        discussion: """
            Every panel comes from PromQL: two queries per refresh for the whole fleet, whatever its size. The \
            charts start with the server's history. Dumps, profiles, log level and drain go to the instance \
            itself when its instance label is a host:port svctop can reach; otherwise those keys say why not. \
            With --kubernetes, instances whose series carry namespace and pod labels (Kubernetes service \
            discovery's) are reached through the API server's pod proxy instead, at the port of their host:port.

            Examples:
              svctop prom http://localhost:9090 --selector '{job="checkout"}'
              svctop prom https://thanos.example --selector '{namespace="prod"}' --instance-label pod \\
                --bearer-token-file ~/.thanos-token
              svctop prom http://localhost:9090 --once --format json
              svctop prom http://prometheus.monitoring:9090 --selector '{namespace="shop"}' --kubernetes
            """)

    @Argument(help: "The server's URL, http(s)://host:port[/prefix] (default: prometheus.url in the config file).")
    var url: String?

    @Option(help: "The label matchers selecting the fleet's series, like '{job=\"api\",namespace=\"prod\"}'.")
    var selector: String?

    @Option(help: "The label whose value names an instance (default: instance).")
    var instanceLabel: String?

    @Option(help: "Refresh this often, e.g. 5s (default: the server's scrape interval).")
    var step: String?

    @Option(help: "The server's scrape interval for these series, e.g. 15s (default: measured from its samples).")
    var scrapeInterval: String?

    @Flag(
        help:
            "Send dumps, profiles, log level and drain through the Kubernetes API server's pod proxy (via kubectl proxy) to instances whose series carry namespace and pod labels."
    )
    var kubernetes = false

    @Option(help: "With --kubernetes: the kubeconfig context (default: the current one).")
    var context: String?

    @Option(help: "With --kubernetes: the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubectl to run.", visibility: .hidden))
    var kubectl: String = "kubectl"

    @OptionGroup var options: WatchOptions

    func run() async throws {
        throw ExitCode(await Svctop.runWatch(targets: [], options: options, prometheus: self))
    }
}

extension PromCommand {
    /// `--kubernetes`: the kubectl proxy the source's instances are reached through, and the context's name.
    func startPodProxy() throws -> (proxy: KubectlProxy, context: String) {
        let (kube, proxy) = try KubectlStart.proxy(kubectl: kubectl, kubeconfig: kubeconfig, context: context)
        return (proxy, kube.name)
    }
}
