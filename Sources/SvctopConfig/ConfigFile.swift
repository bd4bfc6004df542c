import Foundation
import SvctopCore
import Yams

/// A configuration problem, with where it is.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String
    public var description: String { "\(file):\(line): \(key.isEmpty ? "" : "'\(key)': ")\(message)" }
}

/// One target from the config file.
public struct ConfiguredTarget: Sendable, Equatable {
    public var name: String?
    public var url: String
    public var profile: String?
    public var memoryLimit: Double?
    public var handler: String?
    /// This target's own `auth` and `tls` sections, over the top-level ones.
    public var access: AccessConfig?
}

/// The parsed configuration file. Every field is optional: the command line wins over the file, the file over
/// the defaults.
public struct ConfigFile: Sendable, Equatable {
    /// The `defaults:` section: setting values by YAML key (`defaults.leak.window`), parsed and validated by
    /// their `SettingDeclaration`.
    public var settings: [String: SettingDeclaration.Value] = [:]
    /// The top-level `auth` and `tls` sections: the defaults of every target.
    public var access = AccessConfig()
    public var transport: TransportOptions {
        get { access.transport }
        set { access.transport = newValue }
    }
    public var bearerTokenFile: String? { access.bearerTokenFile }
    public var bearerTokenEnv: String? { access.bearerTokenEnv }
    public var basicAuthEnv: String? { access.basicAuthEnv }
    public var profiles: [String: Profile] = [:]
    public var targets: [ConfiguredTarget] = []
    public var prometheus: ConfiguredPrometheus?
    public var kubernetes: ConfiguredKubernetes?
    /// Action name → keys.
    public var keys: [Action: [Key]] = [:]

    public init() {}

    /// The file's settings over `base`.
    public func apply(to base: inout Settings) {
        for declaration in SettingDeclaration.all {
            if let value = settings[declaration.key] { declaration.apply(value, to: &base) }
        }
    }

    /// `$XDG_CONFIG_HOME/svctop/config.yaml` (or `~/.config/svctop/config.yaml`).
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/svctop/config.yaml"
    }

    /// Reads and validates a file.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(
                file: path, line: 0, key: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates YAML. Unknown keys and wrong types are errors naming the file, line and key.
    public static func parse(yaml: String, file: String) throws(ConfigError) -> ConfigFile {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return ConfigFile() }
            root = node
        } catch let error as YamlError {
            var line = 1
            var problem = "\(error)"
            switch error {
            case .scanner(_, let p, let mark, _), .parser(_, let p, let mark, _), .composer(_, let p, let mark, _):
                line = mark.line
                problem = p
            default: break
            }
            throw ConfigError(file: file, line: line, key: "", message: "invalid YAML: \(problem)")
        } catch {
            throw ConfigError(file: file, line: 1, key: "", message: "invalid YAML: \(error)")
        }
        var reader = Reader(file: file)
        return try reader.read(root)
    }

    struct Reader {
        let file: String
        var config = ConfigFile()

        func fail(_ node: Node, _ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: node.mark?.line ?? 1, key: key, message: message)
        }

        func mapping(_ node: Node, _ key: String) throws(ConfigError) -> [(String, Node, Node)] {
            guard let m = node.mapping else { throw fail(node, key, "expected a mapping") }
            return m.map { ($0.key.string ?? "", $0.key, $0.value) }
        }

        func string(_ node: Node, _ key: String) throws(ConfigError) -> String {
            guard case .scalar(let s) = node else { throw fail(node, key, "expected a string") }
            return s.string
        }

        func bool(_ node: Node, _ key: String) throws(ConfigError) -> Bool {
            guard let b = node.bool else { throw fail(node, key, "expected true or false") }
            return b
        }

        /// Bytes: `1048576`, `512MiB`, `1GiB`, `64KiB`, `1GB` (the settings' own size rules).
        func bytes(_ node: Node, _ key: String) throws(ConfigError) -> Double {
            let text = try string(node, key).trimmingCharacters(in: .whitespaces)
            guard let v = SettingDeclaration.bytes(text) else {
                throw fail(node, key, "expected a size like 512MiB or 1GiB")
            }
            return v
        }

        func unknown(_ keyNode: Node, _ key: String, in section: String, allowed: [String]) -> ConfigError {
            fail(keyNode, key, "unknown key in \(section) (allowed: \(allowed.joined(separator: ", ")))")
        }

        mutating func read(_ root: Node) throws(ConfigError) -> ConfigFile {
            let top = ["defaults", "auth", "tls", "profiles", "targets", "prometheus", "kubernetes", "keys"]
            for (key, keyNode, value) in try mapping(root, "") {
                switch key {
                case "defaults": try readSettings(value, "defaults")
                case "auth": try readAuth(value, "auth", into: &config.access)
                case "tls": try readTLS(value, "tls", into: &config.access)
                case "profiles": try readProfiles(value)
                case "targets": try readTargets(value)
                case "prometheus": try readPrometheus(value)
                case "kubernetes": try readKubernetes(value)
                case "keys": try readKeys(value)
                default: throw unknown(keyNode, key, in: "the top level", allowed: top)
                }
            }
            return config
        }

        /// Reads a `defaults:` mapping (or one of its sub-mappings) against the setting declarations: a key is a
        /// setting, a section that holds settings, or a mistake naming what is allowed there.
        mutating func readSettings(_ node: Node, _ prefix: String) throws(ConfigError) {
            let below = SettingDeclaration.all.map(\.key).filter { $0.hasPrefix(prefix + ".") }
            var allowed: [String] = []
            for key in below {
                let name = String(key.dropFirst(prefix.count + 1).prefix { $0 != "." })
                if !allowed.contains(name) { allowed.append(name) }
            }
            for (name, keyNode, value) in try mapping(node, prefix) {
                let key = "\(prefix).\(name)"
                if let declaration = SettingDeclaration.named(key) {
                    let text: String
                    if declaration.kind == .boolean {
                        text = try bool(value, key) ? "true" : "false"
                    } else {
                        text = try string(value, key)
                    }
                    switch declaration.parse(text) {
                    case .success(let parsed): config.settings[key] = parsed
                    case .failure(let error): throw fail(value, key, error.message)
                    }
                } else if allowed.contains(name) {
                    try readSettings(value, key)
                } else {
                    throw unknown(keyNode, key, in: prefix, allowed: allowed)
                }
            }
        }

        func readAuth(_ node: Node, _ prefix: String, into access: inout AccessConfig) throws(ConfigError) {
            for (key, keyNode, value) in try mapping(node, prefix) {
                let k = "\(prefix).\(key)"
                switch key {
                case "bearer_token_file": access.bearerTokenFile = try string(value, k)
                case "bearer_token_env": access.bearerTokenEnv = try string(value, k)
                case "basic_auth_env": access.basicAuthEnv = try string(value, k)
                case "bearer_token", "password":
                    throw fail(
                        keyNode, k,
                        "secrets are not accepted inline; use bearer_token_file, bearer_token_env or basic_auth_env")
                case "headers":
                    for (name, _, v) in try mapping(value, k) {
                        access.transport.headers.append(.init(name, try string(v, "\(k).\(name)")))
                    }
                default:
                    throw unknown(
                        keyNode, k, in: prefix,
                        allowed: ["bearer_token_file", "bearer_token_env", "basic_auth_env", "headers"])
                }
            }
        }

        func readTLS(_ node: Node, _ prefix: String, into access: inout AccessConfig) throws(ConfigError) {
            for (key, keyNode, value) in try mapping(node, prefix) {
                let k = "\(prefix).\(key)"
                switch key {
                case "ca_file": access.transport.caFile = try string(value, k)
                case "cert_file": access.transport.certFile = try string(value, k)
                case "key_file": access.transport.keyFile = try string(value, k)
                case "insecure_skip_verify": access.transport.insecureSkipVerify = try bool(value, k)
                default:
                    throw unknown(
                        keyNode, k, in: prefix, allowed: ["ca_file", "cert_file", "key_file", "insecure_skip_verify"])
                }
            }
            if (access.transport.certFile == nil) != (access.transport.keyFile == nil) {
                throw fail(node, prefix, "cert_file and key_file go together")
            }
        }

        mutating func readProfiles(_ node: Node) throws(ConfigError) {
            for (name, _, value) in try mapping(node, "profiles") {
                let k = "profiles.\(name)"
                var profile = Profile.go
                profile.name = name
                let entries = try mapping(value, k)
                if let base = entries.first(where: { $0.0 == "base" }) {
                    let baseName = try string(base.2, "\(k).base")
                    guard let known = config.profiles[baseName] ?? Profile.builtIn[baseName] else {
                        throw fail(base.2, "\(k).base", "unknown profile '\(baseName)' (built in: go, generic)")
                    }
                    profile = known
                    profile.name = name
                }
                for (key, keyNode, v) in entries {
                    let kk = "\(k).\(key)"
                    switch key {
                    case "base": continue
                    case "signals":
                        for (signalName, signalKey, list) in try mapping(v, kk) {
                            guard let signal = Signal(rawValue: signalName) else {
                                throw unknown(
                                    signalKey, "\(kk).\(signalName)", in: kk, allowed: Signal.allCases.map(\.rawValue))
                            }
                            if let seq = list.sequence {
                                var names: [String] = []
                                for item in seq { names.append(try string(item, "\(kk).\(signalName)")) }
                                profile.signals[signal] = names
                            } else {
                                profile.signals[signal] = [try string(list, "\(kk).\(signalName)")]
                            }
                        }
                    case "endpoints":
                        for (endpointName, endpointKey, e) in try mapping(v, kk) {
                            let text = try string(e, "\(kk).\(endpointName)")
                            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
                            let endpoint = parts.count == 2 ? Endpoint(parts[0].uppercased(), parts[1]) : nil
                            func set(_ path: WritableKeyPath<Endpoints, Endpoint>, defaultMethod: String) {
                                profile.endpoints[keyPath: path] = endpoint ?? Endpoint(defaultMethod, text)
                            }
                            switch endpointName {
                            case "metrics": set(\.metrics, defaultMethod: "GET")
                            case "liveness": set(\.liveness, defaultMethod: "GET")
                            case "readiness": set(\.readiness, defaultMethod: "GET")
                            case "goroutine_dump": set(\.goroutineDump, defaultMethod: "GET")
                            case "cpu_profile": set(\.cpuProfile, defaultMethod: "GET")
                            case "heap_profile": set(\.heapProfile, defaultMethod: "GET")
                            case "log_level":
                                set(\.logLevel, defaultMethod: "GET")
                                profile.endpoints.setLogLevel.path = profile.endpoints.logLevel.path
                            case "set_log_level": set(\.setLogLevel, defaultMethod: "PUT")
                            case "drain": set(\.drain, defaultMethod: "POST")
                            case "undrain": set(\.undrain, defaultMethod: "POST")
                            default:
                                throw unknown(
                                    endpointKey, "\(kk).\(endpointName)", in: kk,
                                    allowed: [
                                        "metrics", "liveness", "readiness", "goroutine_dump", "cpu_profile",
                                        "heap_profile", "log_level", "set_log_level", "drain", "undrain",
                                    ])
                            }
                            guard (endpoint?.path ?? text).hasPrefix("/") else {
                                throw fail(
                                    e, "\(kk).\(endpointName)",
                                    "expected a path like /admin/drain or 'POST /admin/drain'")
                            }
                        }
                    case "handler_label": profile.handlerLabel = try string(v, kk)
                    case "latency_handler": profile.latencyHandler = try string(v, kk)
                    case "memory_limit": profile.memoryLimit = try bytes(v, kk)
                    default:
                        throw unknown(
                            keyNode, kk, in: k,
                            allowed: [
                                "base", "signals", "endpoints", "handler_label", "latency_handler", "memory_limit",
                            ])
                    }
                }
                config.profiles[name] = profile
            }
        }

        /// A profile's name, defined under `profiles` or built in.
        func profileName(_ node: Node, _ key: String) throws(ConfigError) -> String {
            let p = try string(node, key)
            guard config.profiles[p] != nil || Profile.builtIn[p] != nil else {
                throw fail(node, key, "unknown profile '\(p)' (define it under profiles, or use go or generic)")
            }
            return p
        }

        /// An entry's own `auth` or `tls` (`section`), added to what it already has.
        func readAccess(
            _ section: String, _ node: Node, _ key: String, into access: inout AccessConfig?
        )
            throws(ConfigError)
        {
            var a = access ?? AccessConfig()
            if section == "auth" { try readAuth(node, key, into: &a) } else { try readTLS(node, key, into: &a) }
            access = a
        }

        mutating func readPrometheus(_ node: Node) throws(ConfigError) {
            var source = ConfiguredPrometheus(url: "")
            var urlSeen = false
            func seconds(_ v: Node, _ k: String) throws(ConfigError) -> Double {
                let text = try string(v, k)
                guard let d = SettingDeclaration.seconds(text), d > 0 else {
                    throw fail(v, k, "expected a duration like 15s or 1m")
                }
                return d
            }
            for (key, keyNode, v) in try mapping(node, "prometheus") {
                let k = "prometheus.\(key)"
                switch key {
                case "url":
                    source.url = try string(v, k)
                    urlSeen = true
                case "selector": source.selector = try string(v, k)
                case "instance_label": source.instanceLabel = try string(v, k)
                case "step": source.step = try seconds(v, k)
                case "scrape_interval": source.scrapeInterval = try seconds(v, k)
                case "profile": source.profile = try profileName(v, k)
                case "auth", "tls": try readAccess(key, v, k, into: &source.access)
                default:
                    throw unknown(
                        keyNode, k, in: "prometheus",
                        allowed: [
                            "url", "selector", "instance_label", "step", "scrape_interval", "profile", "auth", "tls",
                        ])
                }
            }
            guard urlSeen else { throw fail(node, "prometheus.url", "missing: the server's URL") }
            do {
                _ = try PrometheusSource(
                    url: source.url, selector: source.selector, instanceLabel: source.instanceLabel)
            } catch {
                throw fail(node, "prometheus", error.description)
            }
            config.prometheus = source
        }

        mutating func readKubernetes(_ node: Node) throws(ConfigError) {
            var source = ConfiguredKubernetes()
            for (key, keyNode, v) in try mapping(node, "kubernetes") {
                let k = "kubernetes.\(key)"
                switch key {
                case "namespace": source.namespace = try string(v, k)
                case "all_namespaces": source.allNamespaces = try bool(v, k)
                case "selector": source.selector = try string(v, k)
                case "workloads":
                    guard let items = v.sequence else {
                        throw fail(v, k, "expected a list like [deploy/api, sts/db]")
                    }
                    for (i, item) in items.enumerated() {
                        let text = try string(item, "\(k)[\(i)]")
                        guard let slash = text.firstIndex(of: "/"), slash != text.startIndex,
                            text.index(after: slash) != text.endIndex
                        else {
                            throw fail(
                                item, "\(k)[\(i)]", "expected TYPE/NAME (deploy/NAME, sts/NAME, svc/NAME, pod/NAME)")
                        }
                        source.workloads.append(text)
                    }
                case "context": source.context = try string(v, k)
                case "kubeconfig": source.kubeconfig = try string(v, k)
                case "port":
                    source.port = try string(v, k)
                case "gone_grace":
                    let text = try string(v, k)
                    guard let d = SettingDeclaration.seconds(text), d >= 0 else {
                        throw fail(v, k, "expected a duration like 2m")
                    }
                    source.goneGrace = d
                case "via":
                    let text = try string(v, k)
                    guard let via = PodTransport(rawValue: text) else {
                        throw fail(v, k, "expected proxy or port-forward, got '\(text)'")
                    }
                    source.via = via
                default:
                    throw unknown(
                        keyNode, k, in: "kubernetes",
                        allowed: [
                            "namespace", "all_namespaces", "selector", "workloads", "context", "kubeconfig", "port",
                            "gone_grace", "via",
                        ])
                }
            }
            if source.selector == nil && source.workloads.isEmpty {
                throw fail(node, "kubernetes", "say which pods: selector, or workloads")
            }
            if source.allNamespaces && source.namespace != nil {
                throw fail(node, "kubernetes", "all_namespaces and namespace exclude each other")
            }
            config.kubernetes = source
        }

        mutating func readTargets(_ node: Node) throws(ConfigError) {
            guard let items = node.sequence else { throw fail(node, "targets", "expected a list of targets") }
            for (i, item) in items.enumerated() {
                let k = "targets[\(i)]"
                if case .scalar = item {
                    config.targets.append(ConfiguredTarget(url: try string(item, k)))
                    continue
                }
                var target = ConfiguredTarget(url: "")
                var urlSeen = false
                for (key, keyNode, v) in try mapping(item, k) {
                    let kk = "\(k).\(key)"
                    switch key {
                    case "name": target.name = try string(v, kk)
                    case "url":
                        target.url = try string(v, kk)
                        urlSeen = true
                        do {
                            _ = try Target.parse(target.url)
                        } catch {
                            throw fail(v, kk, error.description)
                        }
                    case "profile":
                        target.profile = try profileName(v, kk)
                    case "memory_limit": target.memoryLimit = try bytes(v, kk)
                    case "handler": target.handler = try string(v, kk)
                    case "auth", "tls": try readAccess(key, v, kk, into: &target.access)
                    default:
                        throw unknown(
                            keyNode, kk, in: k,
                            allowed: ["name", "url", "profile", "memory_limit", "handler", "auth", "tls"])
                    }
                }
                guard urlSeen else { throw fail(item, k, "a target needs a url") }
                config.targets.append(target)
            }
        }

        mutating func readKeys(_ node: Node) throws(ConfigError) {
            for (name, keyNode, value) in try mapping(node, "keys") {
                let k = "keys.\(name)"
                let actionName = name.split(separator: "_").enumerated().map {
                    $0.offset == 0 ? String($0.element) : $0.element.capitalized
                }.joined()
                guard let action = Action(rawValue: actionName) ?? Action(rawValue: name) else {
                    throw unknown(keyNode, k, in: "keys", allowed: Action.allCases.map(\.rawValue))
                }
                var names: [Node] = []
                if let seq = value.sequence { names = Array(seq) } else { names = [value] }
                var keys: [Key] = []
                for n in names {
                    let text = try string(n, k)
                    guard let key = Key.named(text) else { throw fail(n, k, "unknown key '\(text)'") }
                    keys.append(key)
                }
                config.keys[action] = keys
            }
        }
    }
}
