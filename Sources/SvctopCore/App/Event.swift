/// Something that happened: the only input of the reducer. Past-tense facts.
public enum Event: Sendable {
    case keyPressed(Key)
    case resized(width: Int, height: Int)
    case ticked
    /// The terminal asked svctop to stop (SIGTSTP from outside, not the Ctrl-Z key).
    case suspendRequested
    case scrapeCompleted(InstanceID, ScrapeOutcome)
    case probeCompleted(InstanceID, ProbeKind, ProbeResult)
    case logLevelRead(InstanceID, level: String?, error: String?)
    case actionCompleted(InstanceID, ActionKind, ActionResult)
    /// A dump was fetched and parsed (off the UI loop).
    case dumpLoaded(InstanceID, debugLevel: Int, raw: [UInt8], dump: GoroutineDump, fetchedAt: Double)
    case dumpFailed(InstanceID, debugLevel: Int, reason: String)
    /// The open dump was parsed again in another grouping mode.
    case dumpRegrouped(InstanceID, fetchedAt: Double, dump: GoroutineDump)
    case dumpSaved(path: String?, error: String?)
    /// A profile was fetched and decoded (off the UI loop).
    case profileLoaded(InstanceID, raw: [UInt8], profile: PprofProfile, fetchedAt: Double)
    case profileFailed(InstanceID, PprofKind, PprofFailure)
    case profileSaved(path: String?, error: String?)
    /// The source settled its scrape interval, refresh and windows.
    case sourceConfigured(SourceConfiguration)
    /// The source answered a refresh of the whole fleet.
    case sourceRefreshed(SourceRefresh)
    /// The source answered a history query.
    case sourceHistoryLoaded(SourceHistory)
    /// The source answered the open instance's latency by handler.
    case sourceHandlersLoaded(SourceHandlers)
    /// An incident bundle was written (its path) or could not be (why).
    case bundleWritten(path: String?, error: String?)
    /// A source query failed; the text names the query and the server's message.
    case sourceFailed(String)
    /// The pod watch saw pods appear, change or go (`svctop k8s`).
    case podsChanged(PodChange)
    /// The pod watch failed (the API refused, the proxy is gone); it retries on its own.
    case kubernetesFailed(String)
    /// A pod's port-forward serves: pod port → loopback port (`svctop k8s --via port-forward`).
    case podForwarded(InstanceID, [Int: Int])
    /// A pod's port-forward ended or could not start; the text says why and when it is tried again.
    case podForwardFailed(InstanceID, String)
}
