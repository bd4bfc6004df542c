import ArgumentParser
import Foundation
import SvctopCore
import SvctopDemo
import SvctopNetwork
import SvctopRender
import SvctopTerminal

/// Dispatches `svctop demo ...` and `svctop journal ...`; everything else is the dashboard command. (A root
/// command with positional targets would take a subcommand's name as a target.)
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "demo": await DemoCommand.main(Array(arguments.dropFirst()))
        case "journal": await JournalCommand.main(Array(arguments.dropFirst()))
        default: await Svctop.main(arguments)
        }
    }
}

struct Svctop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop",
        abstract: "A live terminal dashboard for Go service instances: goroutines, memory, latency, pools, health.",
        discussion: """
            TARGET is host:port, http(s)://host:port[/base-path], or name=URL. Each target is scraped on
            /metrics and probed on /healthz and /readyz every interval.

            Examples:
              svctop --demo                                   the embedded demo fleet
              svctop localhost:8080 localhost:8081            two port-forwarded pods
              svctop --once --format json api=localhost:8080  one JSON snapshot, no terminal
              svctop --config fleet.yaml --read-only          targets from a config file, no mutating keys

            Subcommands:
              svctop demo [--instances N] [--scenario S]      run the demo fleet headless, print its URLs
              svctop journal [--file F] [--last N]            print the audit journal
            """,
        version: SvctopVersion.current)

    @Argument(help: "Targets to watch (host:port, URL, or name=URL).")
    var targets: [String] = []

    @OptionGroup var options: WatchOptions

    func run() async throws {
        let status = await runWatch()
        throw ExitCode(status)
    }

    func runWatch() async -> Int32 {
        let setup: Setup
        do {
            setup = try Setup.make(targets: targets, options: options)
        } catch {
            Output.error("svctop: \(error)")
            return 2
        }
        var demo: DemoFleet?
        var configuration = setup.configuration
        if options.demo {
            let fleet = DemoFleet(specs: DemoInstanceSpec.fleet(count: options.demoInstances, only: options.demoScenario))
            do {
                try await fleet.start()
            } catch {
                Output.error("svctop: \(error)")
                return 1
            }
            demo = fleet
            configuration.targets += fleet.targets.map { try! Target.parse($0) }
        }
        guard !configuration.targets.isEmpty else {
            Output.error("svctop: no targets: give host:port arguments, --config FILE, or --demo (see --help)")
            return 2
        }
        if let warning = FileLimit.raise(needed: configuration.targets.count * 3 + 64) { Output.error(warning) }
        let status: Int32
        if options.once {
            status = await OnceRunner(configuration: configuration, window: options.window ?? configuration.settings.interval * 2,
                                      format: options.format).run()
        } else {
            do {
                status = try await DashboardRunner(configuration: configuration).run()
            } catch let error as TerminalError {
                Output.error("svctop: \(error.description)")
                status = 2
            } catch {
                Output.error("svctop: \(error)")
                status = 1
            }
        }
        await demo?.stop()
        return status
    }
}

/// Options of the dashboard and of `--once`.
struct WatchOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (YAML). Default: $XDG_CONFIG_HOME/svctop/config.yaml when present.")
    var config: String?

    @Flag(name: .long, help: "Start the embedded demo fleet and watch it.")
    var demo = false

    @Option(name: .long, help: "Demo incidents to act out: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
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

    // Settings: each property's flag, help and parsing come from its `SettingDeclaration` (matched by name:
    // `latencyWindow` is `--latency-window`); `settingArguments` reads them back generically.
    @Option(name: .setting("interval"), help: .setting("interval")) var interval: String?
    @Option(name: .setting("timeout"), help: .setting("timeout")) var timeout: String?
    @Option(name: .setting("max-body"), help: .setting("max-body")) var maxBody: String?
    @Option(name: .setting("latency-window"), help: .setting("latency-window")) var latencyWindow: String?
    @Option(name: .setting("history"), help: .setting("history")) var history: String?
    @Option(name: .setting("action-timeout"), help: .setting("action-timeout")) var actionTimeout: String?
    @Flag(name: .setting("read-only"), help: .setting("read-only")) var readOnly = false
    @Option(name: .setting("theme"), help: .setting("theme")) var theme: String?
    @Option(name: .setting("journal"), help: .setting("journal")) var journal: String?
    @Option(name: .setting("dump-dir"), help: .setting("dump-dir")) var dumpDir: String?
}

extension WatchOptions {
    /// The settings given on the command line, as (declaration, text), found by property name. Flags never given
    /// are absent, so the config file's values stand.
    var settingArguments: [(SettingDeclaration, String)] {
        Mirror(reflecting: self).children.compactMap { child in
            guard let label = child.label, let declaration = SettingDeclaration.flagged(Self.flagName(property: label)) else {
                return nil
            }
            if let option = child.value as? Option<String?>, let text = option.wrappedValue { return (declaration, text) }
            if let flag = child.value as? Flag<Bool>, flag.wrappedValue { return (declaration, "true") }
            return nil
        }
    }

    /// `_latencyWindow` → `latency-window`.
    static func flagName(property: String) -> String {
        var out = ""
        for c in property.drop(while: { $0 == "_" }) {
            if c.isUppercase {
                out += "-" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension NameSpecification {
    /// The long name of a declared setting.
    static func setting(_ flag: String) -> NameSpecification {
        precondition(SettingDeclaration.flagged(flag) != nil, "no setting declares --\(flag)")
        return .customLong(flag)
    }
}

extension ArgumentHelp {
    /// The help of a declared setting, with its default and value form.
    static func setting(_ flag: String) -> ArgumentHelp {
        guard let declaration = SettingDeclaration.flagged(flag) else { return ArgumentHelp("") }
        let valueName: String
        switch declaration.kind {
        case .duration: valueName = "duration"
        case .bytes: valueName = "size"
        case .text: valueName = declaration.key.hasSuffix("theme") ? "name|file" : "path"
        default: valueName = declaration.kind.typeName
        }
        return ArgumentHelp("\(declaration.helpWithDefault).", valueName: valueName)
    }
}

extension Scenario: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
