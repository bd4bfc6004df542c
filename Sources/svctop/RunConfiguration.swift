import SvctopCore
import SvctopKubernetes
import SvctopNetwork
import SvctopRender
import SvctopTerminal

/// Everything the dashboard needs, decided before the terminal is touched.
struct RunConfiguration: Sendable {
    var targets: [Target]
    var settings: Settings
    var keyMap: KeyMap
    var theme: Theme
    var forceASCII: Bool
    var colorMode: ColorMode
    var options: TransportOptions
    var dumpMaxBytes: Int = 256 << 20
    var journalPath: String
    var dumpDirectory: String
    /// A Prometheus-compatible server as the source of the fleet, and the profile its instances are read with.
    var prometheus: PrometheusSource?
    var sourceProfile: Profile = .go
    /// Where the session is recorded: the rolling flight recording, a file the user named, or nowhere.
    var recording: RecordingChoice = .flight
    /// Pods as the fleet (`svctop k8s`): the kubectl proxy, one watcher per selection, and the initial state.
    var kubernetes: KubernetesRun?
    /// `svctop prom --kubernetes`: the kubectl proxy a source's instances are reached through, and its context.
    var sourcePodProxy: (proxy: KubectlProxy, context: String)?

    /// Request timeout, read from the settings (80% of the interval unless set).
    var timeout: Double { settings.effectiveTimeout }
    var maxBodyBytes: Int { Int(settings.maxBodyBytes) }
    /// The transport's own cap: every scrape, probe and action passes its smaller one; a source's history
    /// answers may be larger.
    var transportCap: Int { prometheus == nil ? maxBodyBytes : max(maxBodyBytes, PrometheusClient.defaultMaxBytes) }
    var actionTimeout: Double { settings.actionTimeout }
}

extension RunConfiguration {
    /// The dashboard's state before any data: the targets, and the source (its rows come as it answers).
    func initialState(now: Double) -> AppState {
        var state = AppState(targets: targets, settings: settings, keyMap: keyMap, now: now)
        if let prometheus {
            state.source = SourceState(url: prometheus.url)
            state.source?.podProxy = sourcePodProxy?.proxy.url
            state.source?.podContext = sourcePodProxy?.context ?? ""
            state.sourceProfile = sourceProfile
        }
        if let kubernetes {
            state.kubernetes = kubernetes.state
            state.sourceProfile = sourceProfile
        }
        return state
    }

    /// The handle through which targets are added and removed while the engine runs, when the fleet can change
    /// (pods); nil for a fixed fleet, which the engine then keeps on as few event loops as its size needs
    /// (`ScrapeEngine.run`): ten services wake one network thread, not two.
    func makeScrapeControl() -> ScrapeControl? {
        kubernetes == nil ? nil : ScrapeControl()
    }

    /// The source's poller, sharing the dashboard's transport; nil without a source.
    func makePoller(transport: HTTPTransport) -> PrometheusPoller? {
        guard let prometheus else { return nil }
        let client = PrometheusClient(
            transport: transport, source: prometheus, options: options, timeout: max(timeout, 10))
        return PrometheusPoller(client: client, profile: sourceProfile, settings: settings)
    }
}
