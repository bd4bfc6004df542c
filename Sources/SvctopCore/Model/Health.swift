/// Liveness, readiness and draining of an instance, with the time of the last transition.
public struct Health: Sendable, Equatable {
    public var live: ProbeResult?
    public var ready: ProbeResult?
    /// True when the instance says it is draining (failing readiness mentioning a drain, or a draining gauge),
    /// or svctop started a drain that was accepted and not undone.
    public var isDraining = false
    public var lastTransition: Double?
    /// The last failing probe response.
    public var lastFailure: (kind: ProbeKind, result: ProbeResult, time: Double)?

    public init() {}

    public var isLive: Bool? { live?.isPassing }
    public var isReady: Bool? { ready?.isPassing }

    public static func == (a: Health, b: Health) -> Bool {
        a.live == b.live && a.ready == b.ready && a.isDraining == b.isDraining && a.lastTransition == b.lastTransition
    }

    /// Records a probe result at `now`, noting a transition when passing/failing changed.
    public mutating func record(_ kind: ProbeKind, _ result: ProbeResult, now: Double) {
        let previous = kind == .liveness ? live : ready
        if previous?.isPassing != result.isPassing && previous != nil { lastTransition = now }
        if previous == nil && lastTransition == nil { lastTransition = now }
        if kind == .liveness { live = result } else { ready = result }
        if !result.isPassing { lastFailure = (kind, result, now) }
    }
}
