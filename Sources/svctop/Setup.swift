import Foundation
import SvctopConfig
import SvctopCore
import SvctopRender

/// Merges the command line, the config file and the defaults into one `RunConfiguration`.
/// The command line wins over the file; the file wins over the defaults.
struct Setup {
    var configuration: RunConfiguration
    /// The file's `kubernetes:` section: pods to watch beside the targets.
    var kubernetes: ConfiguredKubernetes?

    static func make(targets specs: [String], options: WatchOptions, prometheus: PromCommand? = nil) throws -> Setup {
        let environment = ProcessInfo.processInfo.environment
        var file = ConfigFile()
        if let path = options.config {
            do { file = try ConfigFile.load(path: path) } catch { throw SetupError(description: error.description) }
        } else if FileManager.default.fileExists(atPath: ConfigFile.defaultPath) {
            do { file = try ConfigFile.load(path: ConfigFile.defaultPath) } catch {
                throw SetupError(description: error.description)
            }
        }

        // Settings: declared defaults, then the file, then the command line.
        var settings = Settings()
        file.apply(to: &settings)
        for (declaration, text) in options.settingArguments {
            switch declaration.parse(text) {
            case .success(let value): declaration.apply(value, to: &settings)
            case .failure(let error):
                throw SetupError(description: "--\(declaration.flag ?? declaration.key): \(error.message)")
            }
        }

        // Profiles and targets.
        func profile(named name: String?) throws -> Profile {
            let n = name ?? "go"
            guard let p = file.profiles[n] ?? Profile.builtIn[n] else {
                throw SetupError(description: "unknown profile '\(n)' (built in: go, generic)")
            }
            return p
        }
        var cliProfile = try profile(named: options.profile)
        if let handler = options.handler { cliProfile.latencyHandler = handler }
        if let limit = options.memoryLimit { cliProfile.memoryLimit = limit }
        var targets: [Target] = []
        for spec in specs {
            do { targets.append(try Target.parse(spec, profile: cliProfile)) } catch {
                throw SetupError(description: error.description)
            }
        }
        for configured in file.targets {
            var p = try profile(named: configured.profile)
            if let limit = configured.memoryLimit { p.memoryLimit = limit }
            if let handler = configured.handler { p.latencyHandler = handler }
            var target: Target
            do { target = try Target.parse(configured.url, profile: p) } catch {
                throw SetupError(description: error.description)
            }
            if let name = configured.name { target.name = name }
            targets.append(target)
        }

        // Transport and secrets: never from a command-line value (it would show in ps).
        var defaults = file.access
        for h in options.header {
            guard let colon = h.firstIndex(of: ":") else {
                throw SetupError(description: "--header expects 'Name: value', got '\(h)'")
            }
            defaults.transport.headers.append(
                .init(
                    String(h[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        if options.bearerTokenFile != nil || options.bearerTokenEnv != nil || options.basicAuthEnv != nil {
            defaults.bearerTokenFile = options.bearerTokenFile
            defaults.bearerTokenEnv = options.bearerTokenEnv
            defaults.basicAuthEnv = options.basicAuthEnv
        }
        if let v = options.caFile { defaults.transport.caFile = v }
        if let v = options.certFile { defaults.transport.certFile = v }
        if let v = options.keyFile { defaults.transport.keyFile = v }
        if options.insecureSkipVerify { defaults.transport.insecureSkipVerify = true }
        let transport = try resolve(defaults, over: TransportOptions(), environment: environment)
        // Targets with their own auth or tls in the config: theirs over the defaults.
        var offset = specs.count
        for configured in file.targets {
            if let access = configured.access {
                targets[offset].transport = try resolve(access, over: transport, environment: environment)
            }
            offset += 1
        }

        // A Prometheus-compatible source: `svctop prom`'s arguments over the file's `prometheus:` section.
        var spec = file.prometheus
        if let cli = prometheus {
            guard let url = cli.url ?? spec?.url else {
                throw SetupError(
                    description: "svctop prom: give the server's URL (or prometheus.url in the config file)")
            }
            var s = spec ?? ConfiguredPrometheus(url: url)
            s.url = url
            if let v = cli.selector { s.selector = v }
            if let v = cli.instanceLabel { s.instanceLabel = v }
            for (flag, text, path) in [
                ("--step", cli.step, \ConfiguredPrometheus.step),
                ("--scrape-interval", cli.scrapeInterval, \.scrapeInterval),
            ] {
                guard let text else { continue }
                guard let seconds = SettingDeclaration.seconds(text), seconds > 0 else {
                    throw SetupError(description: "\(flag): expected a duration like 15s or 1m, got '\(text)'")
                }
                s[keyPath: path] = seconds
            }
            spec = s
        }
        var source: PrometheusSource?
        var sourceProfile = cliProfile
        if let spec {
            if let name = spec.profile { sourceProfile = try profile(named: name) }
            let access = try spec.access.map { try resolve($0, over: transport, environment: environment) }
            do {
                source = try PrometheusSource(
                    url: spec.url, selector: spec.selector, instanceLabel: spec.instanceLabel, step: spec.step,
                    scrapeInterval: spec.scrapeInterval, transport: access)
            } catch {
                throw SetupError(description: error.description)
            }
        }

        // Theme.
        let themeName = settings.theme
        let theme: Theme
        if let builtIn = Theme.builtIn(themeName) {
            theme = builtIn
        } else if FileManager.default.fileExists(atPath: themeName) {
            guard let text = try? String(contentsOfFile: themeName, encoding: .utf8) else {
                throw SetupError(description: "cannot read theme file \(themeName)")
            }
            do { theme = try Theme.decode(yaml: text, file: themeName) } catch {
                throw SetupError(description: error.description)
            }
        } else {
            throw SetupError(
                description:
                    "unknown theme '\(themeName)': use dark, light, high-contrast, monochrome, or a YAML file path")
        }
        let noColor = options.noColor || !(environment["NO_COLOR"] ?? "").isEmpty

        var keyMap = KeyMap.standard
        for (action, keys) in file.keys { keyMap.rebind(action, to: keys) }

        return Setup(
            configuration: RunConfiguration(
                targets: targets, settings: settings, keyMap: keyMap, theme: theme, forceASCII: options.ascii,
                colorMode: noColor ? .monochrome : .automatic, options: transport,
                journalPath: settings.journal ?? Journal.defaultPath,
                dumpDirectory: settings.dumpDirectory ?? DumpFiles.defaultDirectory, prometheus: source,
                sourceProfile: sourceProfile),
            kubernetes: file.kubernetes)
    }

    /// The options `access` gives, over `base`: its credentials (read now from their file or variable) replace
    /// base's when it has any; its headers are added; its TLS files and skip-verify flag replace base's when set.
    static func resolve(
        _ access: AccessConfig, over base: TransportOptions, environment: [String: String]
    ) throws -> TransportOptions {
        var transport = base
        transport.headers += access.transport.headers
        if access.hasCredentials {
            transport.bearerToken = nil
            transport.basicAuth = nil
        }
        if let path = access.bearerTokenFile {
            guard let token = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SetupError(description: "cannot read the bearer token file \(path)")
            }
            transport.bearerToken = Secret(token.trimmingCharacters(in: .whitespacesAndNewlines))
        } else if let variable = access.bearerTokenEnv {
            guard let token = environment[variable], !token.isEmpty else {
                throw SetupError(description: "the environment variable \(variable) (bearer token) is not set")
            }
            transport.bearerToken = Secret(token)
        }
        if let variable = access.basicAuthEnv {
            guard let value = environment[variable], let colon = value.firstIndex(of: ":") else {
                throw SetupError(description: "the environment variable \(variable) must hold user:password")
            }
            transport.basicAuth = (String(value[..<colon]), Secret(String(value[value.index(after: colon)...])))
        }
        if let v = access.transport.caFile { transport.caFile = v }
        if let v = access.transport.certFile { transport.certFile = v }
        if let v = access.transport.keyFile { transport.keyFile = v }
        if access.transport.insecureSkipVerify { transport.insecureSkipVerify = true }
        for path in [transport.caFile, transport.certFile, transport.keyFile].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw SetupError(description: "cannot read TLS file \(path)")
        }
        return transport
    }
}
