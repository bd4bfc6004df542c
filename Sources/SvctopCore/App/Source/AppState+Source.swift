extension AppState {
    /// The source settled its scrape interval and windows: svctop's interval follows its refresh, so ages and
    /// staleness are measured against what the server can deliver.
    mutating func sourceConfigured(_ configuration: SourceConfiguration) {
        source?.configuration = configuration
        settings.interval = configuration.refreshInterval
        settings.latencyWindow = configuration.rateWindow
    }

    /// A refresh of the whole fleet: new instances get a row, known ones are updated, those the source no longer
    /// has are marked gone (their rows stay, with their last values).
    mutating func sourceRefreshed(_ refresh: SourceRefresh) {
        guard source != nil else { return }
        for key in refresh.samples.keys.sorted() {
            let id = row(forSourceKey: key)
            instances[id].ingest(
                refresh.samples[key]!, duration: refresh.duration, now: refresh.time, settings: settings)
            if let pod = refresh.samples[key]!.pod { routeThroughPodProxy(id, key: key, pod: pod) }
            updateDrainProgress(id)
        }
        for (key, id) in source!.rows where refresh.samples[key] == nil {
            instances[id].markGone(now: refresh.time)
        }
        source!.lastRefresh = refresh.time
        source!.warnings = refresh.warnings
        source!.error = nil
        for id in instances.indices { refreshAssessment(id) }
        if selected == nil { selected = instances.first?.id }
    }

    /// History from the source: the fleet's short one at start, or one instance's full one when it is opened.
    mutating func sourceHistoryLoaded(_ history: SourceHistory) {
        guard source != nil else { return }
        for key in history.series.keys.sorted() {
            let id = row(forSourceKey: key)
            instances[id].backfill(history.series[key]!, now: now, settings: settings)
            if history.isFull { instances[id].hasFullHistory = true }
            refreshAssessment(id)
        }
        if !history.warnings.isEmpty { source!.warnings = history.warnings }
        if selected == nil { selected = instances.first?.id }
    }

    mutating func sourceFailed(_ error: String) {
        source?.error = error
    }

    /// The row of a source's instance, made when it first appears.
    mutating func row(forSourceKey key: String) -> InstanceID {
        if let id = source?.rows[key] { return id }
        let id = instances.count
        let profile = sourceProfile ?? .go
        instances.append(
            InstanceState(id: id, target: Target.fromSource(key: key, profile: profile), settings: settings))
        source?.rows[key] = id
        return id
    }

    /// The latency by handler of the open instance, as its source computed it.
    mutating func sourceHandlersLoaded(_ handlers: SourceHandlers) {
        guard let id = source?.rows[handlers.key] else { return }
        instances[id].sourceHandlers = handlers
    }

    /// While the handler table shows an instance from a source, its latency by handler is asked for when the table
    /// opens and at every refresh: one more query, for that instance alone.
    func handlersEffect() -> [Effect] {
        guard showHandlers, case .instance(let id) = view, let key = instance(id)?.target.sourceKey else { return [] }
        return [.loadSourceHandlers(id, key: key)]
    }

    /// Opening an instance from a source loads its full history (every chart) once.
    func historyEffect(for id: InstanceID) -> [Effect] {
        guard let key = instance(id)?.target.sourceKey, instance(id)?.hasFullHistory == false else { return [] }
        return [.loadSourceHistory(id, key: key)]
    }

    /// With a pod proxy (`svctop prom --kubernetes`), an instance whose series name its pod is sent requests
    /// through the API server's pod proxy, at the port of its `host:port` name (where the server scraped it).
    /// Without a port in the name there is no telling which port to reach, and the row keeps what it had.
    private mutating func routeThroughPodProxy(_ id: InstanceID, key: String, pod: SourcePod) {
        guard let proxy = source?.podProxy, let colon = key.lastIndex(of: ":"),
            let port = Int(key[key.index(after: colon)...]), (1...65535).contains(port)
        else { return }
        let profile = sourceProfile ?? .go
        var target = Pod(
            namespace: pod.namespace, name: pod.name, uid: "",
            metrics: PodEndpoint(port: port, path: profile.endpoints.metrics.path)
        ).target(proxy: proxy, profile: profile, qualified: false, context: source?.podContext ?? "")
        target.name = key
        target.sourceKey = key
        if instances[id].target != target { instances[id].target = target }
    }

    /// Refuses a request to an instance svctop has no address for, saying why.
    mutating func requireAddress(_ id: InstanceID?) -> Bool {
        guard let id, let target = instance(id)?.target else { return true }
        if target.isReachable { return true }
        setMessage(target.unreachableReason, .error)
        return false
    }
}
