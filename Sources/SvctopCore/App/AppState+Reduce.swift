extension AppState {
    /// Applies one event at time `now` and returns the effects to perform. Pure: no I/O, no clock reads.
    ///
    /// This is the dispatcher only: each feature's rules live in its own room (`Drain/`, `LogLevel/`, `Dump/`,
    /// `Pprof/`, `Dialog/`, `Keys/`, `Fleet/`, `Source/`).
    public mutating func reduce(_ event: Event, now: Double) -> [Effect] {
        self.now = now
        let effects = apply(event)
        switch event {
        case .scrapeCompleted(let id, _), .probeCompleted(let id, _, _), .actionCompleted(let id, _, _):
            if instances.indices.contains(id) { refreshAssessment(id) }
        case .ticked:
            for id in instances.indices { refreshAssessment(id) }
        default:
            break
        }
        return effects
    }

    mutating func apply(_ event: Event) -> [Effect] {
        switch event {
        case .keyPressed(let key):
            return handleKey(key)
        case .resized(let width, let height):
            self.width = max(1, width)
            self.height = max(1, height)
            clampScrolls()
            return []
        case .ticked:
            return tick()
        case .suspendRequested:
            return [.suspend]
        case .scrapeCompleted(let id, let outcome):
            guard instances.indices.contains(id), !isRetired(id) else { return [] }
            switch outcome {
            case .success(let metrics, let duration):
                instances[id].ingest(metrics, duration: duration, now: now, settings: settings)
            case .read(let reading, let rejected, let parseError, let duration):
                instances[id].ingest(
                    reading, rejectedLines: rejected, parseError: parseError, duration: duration, now: now,
                    settings: settings)
            case .failure(let failure, _):
                instances[id].recordFailure(failure, now: now)
                podScrapeFailed(id, failure)
            }
            updateDrainProgress(id)
            return []
        case .probeCompleted(let id, let kind, let result):
            guard instances.indices.contains(id), !isRetired(id) else { return [] }
            instances[id].health.record(kind, result, now: now)
            if kind == .readiness { readinessProbed(id, result) }
            updateDrainProgress(id)
            return []
        case .logLevelRead(let id, let level, let error):
            guard instances.indices.contains(id) else { return [] }
            if let level { instances[id].logLevel = level }
            instances[id].logLevelError = error
            return []
        case .actionCompleted(let id, let kind, let result):
            guard instances.indices.contains(id) else { return [] }
            pendingActions[id] = nil
            switch kind {
            case .setLogLevel(let level): logLevelChanged(id, to: level, result)
            case .drain: drainCompleted(id, result)
            case .undrain: undrainCompleted(id, result)
            }
            return []
        case .dumpLoaded(let id, let debugLevel, let raw, let dump, let fetchedAt):
            dumpLoaded(id, debugLevel: debugLevel, raw: raw, dump: dump, fetchedAt: fetchedAt)
            return []
        case .dumpFailed(let id, let debugLevel, let reason):
            loadingDump = nil
            setMessage("goroutine dump (debug=\(debugLevel)) from \(name(id)) failed: \(reason)", .error)
            return []
        case .dumpRegrouped(let id, let fetchedAt, let dump):
            dumpRegrouped(id, fetchedAt: fetchedAt, dump: dump)
            return []
        case .dumpSaved(let path, let error):
            dumpSaved(path: path, error: error)
            return []
        case .bundleWritten(let path, let error):
            if let path {
                setMessage("incident bundle: \(path) (svctop replay opens it anywhere)", .success)
            } else {
                setMessage("no incident bundle: \(error ?? "unknown error")", .error)
            }
            return []
        case .profileLoaded(let id, let raw, let profile, let fetchedAt):
            profileLoaded(id, raw: raw, profile: profile, fetchedAt: fetchedAt)
            return []
        case .profileFailed(let id, let kind, let failure):
            profileFailed(id, kind, failure)
            return []
        case .profileSaved(let path, let error):
            profileSaved(path: path, error: error)
            return []
        case .sourceConfigured(let configuration):
            sourceConfigured(configuration)
            return []
        case .sourceRefreshed(let refresh):
            sourceRefreshed(refresh)
            return handlersEffect()
        case .sourceHistoryLoaded(let history):
            sourceHistoryLoaded(history)
            return []
        case .sourceHandlersLoaded(let handlers):
            sourceHandlersLoaded(handlers)
            return []
        case .sourceFailed(let error):
            sourceFailed(error)
            return []
        case .podsChanged(let change):
            return podsChanged(change)
        case .kubernetesFailed(let error):
            kubernetesFailed(error)
            return []
        case .podForwarded(let id, let ports):
            return podForwarded(id, ports)
        case .podForwardFailed(let id, let why):
            podForwardFailed(id, why)
            return []
        }
    }

    func name(_ id: InstanceID) -> String { instance(id)?.name ?? "instance \(id)" }

    /// The span `B` bundles.
    public static let bundleSpan = 1800.0

    public mutating func setMessage(_ text: String, _ level: StatusMessage.Level) {
        message = StatusMessage(text: text, level: level, time: now)
    }

    /// Once a second: messages expire, timed log-level reverts fall due, drains progress or time out.
    mutating func tick() -> [Effect] {
        if let m = message, now - m.time > 8 { message = nil }
        let effects = dueLevelReverts()
        for id in instances.indices { updateDrainProgress(id) }
        return effects
    }
}
