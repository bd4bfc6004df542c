/// Something the runner must do. Imperatives; the runner performs them outside the reducer.
public enum Effect: Sendable, Equatable {
    case quit
    case suspend
    case fetchDump(InstanceID, debugLevel: Int)
    case regroupDump(InstanceID, fetchedAt: Double, raw: [UInt8], mode: GroupingMode)
    case saveDump(InstanceID, debugLevel: Int, fetchedAt: Double, raw: [UInt8])
    /// A CPU profile of `seconds`, or a heap profile (seconds 0).
    case fetchProfile(InstanceID, kind: PprofKind, seconds: Int)
    case saveProfile(InstanceID, kind: PprofKind, fetchedAt: Double, raw: [UInt8])
    case setLogLevel(InstanceID, level: String, previous: String?, reason: String)
    case drain(InstanceID, override: Bool)
    case undrain(InstanceID)
    /// The full history of an instance a source names, for its charts.
    case loadSourceHistory(InstanceID, key: String)
    /// The latency by handler of an instance a source names, for the handler table (once per refresh while shown).
    case loadSourceHandlers(InstanceID, key: String)
    /// An incident bundle of the last `since` seconds of the session's recording.
    case writeBundle(since: Double)
    /// Start scraping and probing a target that appeared (a pod), as instance `id`.
    case startPolling(InstanceID, Target)
    /// Stop scraping and probing instance `id` (its pod is gone or no longer runs).
    case stopPolling(InstanceID)
    /// Keep a `kubectl port-forward` to the pod of instance `id` (restarted when it dies) until `stopForward`.
    case forwardPod(InstanceID, PodForward)
    /// Stop the port-forward of instance `id` (its pod is gone or no longer runs).
    case stopForward(InstanceID)
    /// A mutating action that was asked for but not performed: the journal records why.
    case recordRefusal(InstanceID, action: ActionKind, refusal: Refusal)

    /// The instance this effect changes (a drain, an undrain, a log level), whose health is then watched closely.
    public var changesInstance: InstanceID? {
        switch self {
        case .setLogLevel(let id, _, _, _), .drain(let id, _), .undrain(let id): return id
        default: return nil
        }
    }

    /// Whether the runner must let this effect finish before svctop exits (a restore the user asked for on the
    /// way out). Everything else is cancelled on quit.
    public var outlivesQuit: Bool {
        if case .setLogLevel(_, _, _, let reason) = self { return reason == LogLevelChange.restoreOnExit }
        return false
    }
}

/// Why a mutating action was not sent.
public enum Refusal: Sendable, Equatable, CustomStringConvertible {
    /// The user answered the confirmation with something other than the confirm key.
    case cancelled
    /// A guard rail refused it and the user did not override it; the text says why.
    case guardRail(String)

    /// The journal's `result` field.
    public var journalResult: String {
        switch self {
        case .cancelled: return "cancelled"
        case .guardRail: return "refused"
        }
    }

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .guardRail(let why): return "refused by guard rail: \(why)"
        }
    }
}
