import ArgumentParser
import CSvctopSys
import SvctopCore
import SvctopDemo
import SvctopTerminal

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
              svctop prom URL [--selector S]                  the fleet a Prometheus-compatible server scrapes
              svctop k8s [-n NS] [-l SEL | deploy/NAME ...]   the pods of a workload, through restarts
              svctop replay FILE [--once --at TIME]           replay a recording or an incident bundle
              svctop bundle [--since 30m] [-o FILE]           write an incident bundle from the flight recording
            """,
        version: "\(SvctopVersion.current) (commit \(String(cString: svctop_build_commit())))")

    @Argument(help: "Targets to watch (host:port, URL, or name=URL).")
    var targets: [String] = []

    @OptionGroup var options: WatchOptions

    func run() async throws {
        let status = await Self.runWatch(targets: targets, options: options, prometheus: nil)
        throw ExitCode(status)
    }

    /// The dashboard or `--once`, for targets, a source, or both.
    static func runWatch(
        targets: [String], options: WatchOptions, prometheus: PromCommand?, kubernetes: KubernetesCommand? = nil
    ) async -> Int32 {
        let setup: Setup
        do {
            setup = try Setup.make(targets: targets, options: options, prometheus: prometheus)
        } catch {
            Output.error("svctop: \(error)")
            return 2
        }
        var demo: DemoFleet?
        var configuration = setup.configuration
        configuration.recording = options.noRecord ? .off : options.record.map { .file($0) } ?? .flight
        if options.demo {
            let fleet = DemoFleet(
                specs: DemoInstanceSpec.fleet(count: options.demoInstances, only: options.demoScenario))
            do {
                try await fleet.start()
            } catch {
                Output.error("svctop: \(error)")
                return 1
            }
            demo = fleet
            configuration.targets += fleet.targets.map { try! Target.parse($0) }
        }
        // Pods: `svctop k8s`'s flags over the config file's `kubernetes:` section, or that section alone.
        if kubernetes != nil || setup.kubernetes != nil {
            do {
                let selection = try kubernetes?.selection(over: setup.kubernetes) ?? setup.kubernetes!
                configuration.kubernetes = try selection.prepare(kubectl: kubernetes?.kubectl ?? "kubectl")
            } catch {
                Output.error("\(error)")
                return 2
            }
        }
        if let prometheus, prometheus.kubernetes {
            do {
                configuration.sourcePodProxy = try prometheus.startPodProxy()
            } catch {
                Output.error("\(error)")
                return 2
            }
        }
        // The kubectl children end with svctop on every path (their lifeline closes); this stops them at once.
        defer {
            configuration.kubernetes?.forwards?.stopAll()
            configuration.kubernetes?.proxy.stop()
            configuration.sourcePodProxy?.proxy.stop()
        }
        guard !configuration.targets.isEmpty || configuration.prometheus != nil || configuration.kubernetes != nil
        else {
            Output.error("svctop: no targets: give host:port arguments, --config FILE, or --demo (see --help)")
            return 2
        }
        if let warning = FileLimit.raise(needed: configuration.targets.count * 3 + 64) { Output.error(warning) }
        let status: Int32
        if options.once {
            status = await OnceRunner(
                configuration: configuration, window: options.window ?? configuration.settings.interval * 2,
                format: options.format
            ).run()
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

extension WatchOptions {
    /// The settings given on the command line, as (declaration, text), found by property name. Flags never given
    /// are absent, so the config file's values stand.
    var settingArguments: [(SettingDeclaration, String)] {
        Mirror(reflecting: self).children.compactMap { child in
            guard let label = child.label, let declaration = SettingDeclaration.flagged(Self.flagName(property: label))
            else {
                return nil
            }
            if let option = child.value as? Option<String?>, let text = option.wrappedValue {
                return (declaration, text)
            }
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
