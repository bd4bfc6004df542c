import ArgumentParser
import SvctopCore
import SvctopDemo

/// Options of the dashboard and of `--once`.
struct WatchOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML). Default: $XDG_CONFIG_HOME/svctop/config.yaml when present.")
    var config: String?

    @Flag(name: .long, help: "Start the embedded demo fleet and watch it.")
    var demo = false

    @Option(
        name: .long,
        help: "Demo incidents to act out: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var demoScenario: Scenario?

    @Option(name: .long, help: "Number of demo instances.")
    var demoInstances = 6

    @Flag(name: .long, help: "Print one snapshot of every target and exit (no terminal needed).")
    var once = false

    @Option(name: .long, help: "Snapshot format with --once: json or text.")
    var format: OutputFormat = .json

    @Option(name: .long, help: "With --once: how long to sample, in seconds (at least two scrapes).")
    var window: Double?

    @Option(name: .long, help: "Profile for command-line targets: go or generic (default go).")
    var profile: String?

    @Option(name: .long, help: "Compute latency for this handler label only.")
    var handler: String?

    @Option(name: .long, help: "Memory limit in bytes, when the service exposes none.")
    var memoryLimit: Double?

    @Flag(name: .long, help: "No colors (also when NO_COLOR is set).")
    var noColor = false

    @Flag(name: .long, help: "ASCII glyphs only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .long, help: "Read a bearer token from this file.")
    var bearerTokenFile: String?

    @Option(name: .long, help: "Read a bearer token from this environment variable.")
    var bearerTokenEnv: String?

    @Option(name: .long, help: "Read basic auth as user:password from this environment variable.")
    var basicAuthEnv: String?

    @Option(name: .long, help: "Extra request header 'Name: value' (repeatable).")
    var header: [String] = []

    @Option(name: .long, help: "CA certificate file (PEM) for https targets.")
    var caFile: String?

    @Option(name: .long, help: "Client certificate file (PEM).")
    var certFile: String?

    @Option(name: .long, help: "Client key file (PEM).")
    var keyFile: String?

    @Flag(name: .long, help: "Do not verify TLS certificates (only when you must).")
    var insecureSkipVerify = false

    @Flag(name: .long, help: "Do not keep a flight recording of this session.")
    var noRecord = false

    @Option(
        name: .long,
        help: "Record this session to FILE (kept until you delete it) instead of the rolling flight recording.")
    var record: String?

    // Settings: each property's flag, help and parsing come from its `SettingDeclaration` (matched by name:
    // `latencyWindow` is `--latency-window`); `settingArguments` reads them back generically.
    @Option(name: .setting("interval"), help: .setting("interval")) var interval: String?
    @Option(name: .setting("timeout"), help: .setting("timeout")) var timeout: String?
    @Option(name: .setting("max-body"), help: .setting("max-body")) var maxBody: String?
    @Option(name: .setting("probe-interval"), help: .setting("probe-interval")) var probeInterval: String?
    @Option(name: .setting("latency-window"), help: .setting("latency-window")) var latencyWindow: String?
    @Option(name: .setting("history"), help: .setting("history")) var history: String?
    @Option(name: .setting("action-timeout"), help: .setting("action-timeout")) var actionTimeout: String?
    @Flag(name: .setting("read-only"), help: .setting("read-only")) var readOnly = false
    @Option(name: .setting("theme"), help: .setting("theme")) var theme: String?
    @Option(name: .setting("journal"), help: .setting("journal")) var journal: String?
    @Option(name: .setting("dump-dir"), help: .setting("dump-dir")) var dumpDir: String?
    @Option(name: .setting("record-max-size"), help: .setting("record-max-size")) var recordMaxSize: String?
    @Option(name: .setting("record-max-age"), help: .setting("record-max-age")) var recordMaxAge: String?
}
