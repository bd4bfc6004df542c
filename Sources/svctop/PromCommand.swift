import ArgumentParser
import SvctopCore

/// `svctop prom URL`: the fleet a Prometheus-compatible server scrapes, from its query API.
struct PromCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop prom",
        abstract:
            "Watch the instances a Prometheus-compatible server scrapes (Prometheus, Thanos Query, VictoriaMetrics, Mimir).",
        discussion: """
            Every panel comes from PromQL: two queries per refresh for the whole fleet, whatever its size. The
            charts start with the server's history. Dumps, profiles, log level and drain go to the instance
            itself when its instance label is a host:port svctop can reach; otherwise those keys say why not.

            Examples:
              svctop prom http://localhost:9090 --selector '{job="checkout"}'
              svctop prom https://thanos.example --selector '{namespace="prod"}' --instance-label pod \\
                --bearer-token-file ~/.thanos-token
              svctop prom http://localhost:9090 --once --format json
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

    @OptionGroup var options: WatchOptions

    func run() async throws {
        throw ExitCode(await Svctop.runWatch(targets: [], options: options, prometheus: self))
    }
}
