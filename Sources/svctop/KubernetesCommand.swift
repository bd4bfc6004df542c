import ArgumentParser
import SvctopConfig
import SvctopCore
import SvctopKubernetes

/// `svctop k8s`: the pods of a selection or of workloads, found and followed through the API server (list, then
/// watch), reached through its pod proxy via one `kubectl proxy` child that carries the user's credentials.
struct KubernetesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop k8s",
        abstract: "Watch the pods of a Kubernetes workload or selector, and keep watching them through restarts.",
        discussion: """
            Pods are listed and watched (no polling of the API): a new pod gets a row as soon as the API server \
            reports it; a deleted pod's row stays, marked gone, with its last values, for --gone-grace. Each row \
            shows Kubernetes' view (phase, restarts, the last termination: "OOMKilled 3m ago") beside the \
            service's own metrics. The memory limit comes from the pod spec when the service exposes none.

            Requests go through the API server's pod proxy, via one `kubectl proxy` child: your kubeconfig's \
            credentials (certificates, tokens, exec plugins) stay with kubectl. Workload names resolve to their pod \
            selector the way kubectl does. Where the pod proxy is not allowed (RBAC without pods/proxy), \
            --via port-forward keeps one `kubectl port-forward` per pod instead, restarted with backoff when it \
            dies.

            Examples:
              svctop k8s -n shop deploy/checkout
              svctop k8s -n shop -l app=checkout,tier=api --port metrics
              svctop k8s -A -l team=payments --context prod-eu
              svctop k8s -n shop sts/db --once --format json
              svctop k8s -n shop deploy/checkout --via port-forward
            """)

    @Option(name: [.short, .customLong("namespace")], help: "The namespace (default: the context's, else default).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Pods in every namespace (with -l).")
    var allNamespaces = false

    @Option(name: [.customShort("l"), .customLong("selector")], help: "A label selector, like app=api,tier!=canary.")
    var selector: String?

    @Argument(help: "Workloads whose pods to watch: deploy/NAME, sts/NAME, ds/NAME, rs/NAME, svc/NAME, pod/NAME.")
    var workloads: [String] = []

    @Option(help: "The kubeconfig context (default: the current one).")
    var context: String?

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(
        help:
            "The metrics port: a number or a container port's name (default: a port named metrics or http-metrics, then prometheus.io/port, then the first port)."
    )
    var port: String?

    @Option(help: "How long a deleted pod's row stays on screen, e.g. 2m (default: 2m).")
    var goneGrace: String?

    @Option(
        help: ArgumentHelp(
            "How to reach the pods: proxy (the API server's pod proxy, one kubectl child) or port-forward (one supervised kubectl port-forward per pod, to a free local port).",
            valueName: "proxy|port-forward"))
    var via: PodTransport?

    @Option(help: ArgumentHelp("The kubectl to run.", visibility: .hidden))
    var kubectl: String = "kubectl"

    @OptionGroup var options: WatchOptions

    func run() async throws {
        throw ExitCode(await Svctop.runWatch(targets: [], options: options, prometheus: nil, kubernetes: self))
    }

    /// The command line over the config file's `kubernetes:` section: a flag given replaces the file's value;
    /// a selector or workloads given replace the file's selection as a whole.
    func selection(over file: ConfiguredKubernetes?) throws -> ConfiguredKubernetes {
        var k = file ?? ConfiguredKubernetes()
        if selector != nil || !workloads.isEmpty {
            k.selector = selector
            k.workloads = workloads
        }
        if let namespace {
            k.namespace = namespace
            k.allNamespaces = false
        }
        if allNamespaces {
            if namespace != nil { throw SetupError(description: "svctop k8s: -A and -n exclude each other") }
            k.allNamespaces = true
            k.namespace = nil
        }
        if let context { k.context = context }
        if let kubeconfig { k.kubeconfig = kubeconfig }
        if let port { k.port = port }
        if let via { k.via = via }
        if let goneGrace {
            guard let grace = SettingDeclaration.seconds(goneGrace), grace >= 0 else {
                throw SetupError(description: "--gone-grace: expected a duration like 2m, got '\(goneGrace)'")
            }
            k.goneGrace = grace
        }
        return k
    }
}

extension ConfiguredKubernetes {
    /// Starts the proxy and prepares the watchers; every problem is a message for stderr.
    func prepare(kubectl: String = "kubectl") throws -> KubernetesRun {
        var refs: [WorkloadRef] = []
        if let selector { refs.append(.selector(selector)) }
        for text in workloads {
            do { refs.append(try WorkloadRef(text)) } catch { throw SetupError(description: error.description) }
        }
        if refs.isEmpty {
            throw SetupError(
                description: "svctop k8s: say which pods: -l SELECTOR, or deploy/NAME, sts/NAME, svc/NAME, pod/NAME")
        }
        let (kube, proxy) = try KubectlStart.proxy(kubectl: kubectl, kubeconfig: kubeconfig, context: context)
        let watched = allNamespaces ? nil : (namespace ?? kube.namespace)
        let api = KubeAPI(base: proxy.url)
        let choice = port.map(PortChoice.init)
        let watchers = refs.map {
            PodWatcher(
                api: api, ref: $0, namespace: watched, workloadNamespace: namespace ?? kube.namespace, port: choice)
        }
        var state = KubernetesState(
            context: kube.name, namespace: watched, selection: refs.map(\.description).joined(separator: " "),
            proxy: proxy.url, goneGrace: goneGrace ?? 120)
        state.via = via
        let forwards =
            via == .portForward ? PortForwards(kubectl: kubectl, global: proxy.globalArguments) : nil
        return KubernetesRun(proxy: proxy, watchers: watchers, state: state, forwards: forwards)
    }
}
