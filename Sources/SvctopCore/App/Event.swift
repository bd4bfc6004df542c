/// The outcome of one scrape.
public enum ScrapeOutcome: Sendable {
    case success(MetricSet, duration: Double)
    case failure(ScrapeFailure, duration: Double)
}

/// A mutating action on a service.
public enum ActionKind: Sendable, Equatable {
    case setLogLevel(String)
    case drain
    case undrain

    public var name: String {
        switch self {
        case .setLogLevel: return "set_log_level"
        case .drain: return "drain"
        case .undrain: return "undrain"
        }
    }
}

/// What an action request came back with.
public enum ActionResult: Sendable, Equatable {
    /// 2xx, with the first line of the body.
    case succeeded(status: Int, body: String)
    /// Non-2xx, with the error text of the body.
    case rejected(status: Int, body: String)
    /// No response: timeout, refused, reset...
    case failed(String)

    public var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }

    public var summary: String {
        switch self {
        case .succeeded(let status, _): return "HTTP \(status)"
        case .rejected(let status, let body): return body.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(body)"
        case .failed(let reason): return reason
        }
    }
}

/// Something that happened: the only input of the reducer. Past-tense facts.
public enum Event: Sendable {
    case keyPressed(Key)
    case resized(width: Int, height: Int)
    case ticked
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
}

/// Something the runner must do. Imperatives; the runner performs them outside the reducer.
public enum Effect: Sendable, Equatable {
    case quit
    case suspend
    case fetchDump(InstanceID, debugLevel: Int)
    case regroupDump(InstanceID, fetchedAt: Double, raw: [UInt8], mode: GroupingMode)
    case saveDump(InstanceID, debugLevel: Int, fetchedAt: Double, raw: [UInt8])
    case setLogLevel(InstanceID, level: String, previous: String?, reason: String)
    case drain(InstanceID, override: Bool)
    case undrain(InstanceID)
    /// A mutating action that was asked for but not performed (cancelled, or refused by a guard rail).
    case recordRefusal(InstanceID, action: ActionKind, reason: String)
}
