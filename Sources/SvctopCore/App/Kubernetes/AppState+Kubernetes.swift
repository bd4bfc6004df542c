/// Rows that are pods: made when a pod appears (keyed by UID, so a replacement is a new row), updated from the pod
/// object (phase, restarts, last termination), scraped while the pod runs, and kept, marked gone, for a grace
/// period after the pod is deleted.
extension AppState {
    mutating func podsChanged(_ change: PodChange) -> [Effect] {
        guard kubernetes != nil else { return [] }
        var effects: [Effect] = []
        switch change {
        case .listed(let pods, let scope):
            let seen = Set(pods.map(\.uid))
            for pod in pods.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
                effects += upsert(pod, scope: scope)
            }
            for (uid, id) in kubernetes!.rows.sorted(by: { $0.value < $1.value })
            where !seen.contains(uid) && instances[id].podGoneAt == nil && kubernetes!.scopes[uid] == scope {
                effects += podGone(id)
            }
            kubernetes!.isListed = true
        case .updated(let pod, let scope):
            effects += upsert(pod, scope: scope)
        case .deleted(let pod, let scope):
            effects += upsert(pod, scope: scope)
            if let id = kubernetes!.rows[pod.uid], instances[id].podGoneAt == nil { effects += podGone(id) }
        }
        kubernetes!.error = nil
        for id in instances.indices where instances[id].pod != nil { refreshAssessment(id) }
        if selected == nil { selected = visibleInstances().first }
        return effects
    }

    mutating func kubernetesFailed(_ error: String) {
        kubernetes?.error = error
    }

    /// A pod as the API now describes it: its row, made or updated, and the polling (and, through port-forwards,
    /// the forward) that follows from it.
    private mutating func upsert(_ pod: Pod, scope: String) -> [Effect] {
        guard let k8s = kubernetes else { return [] }
        kubernetes!.scopes[pod.uid] = scope
        guard let id = k8s.rows[pod.uid] else {
            let id = instances.count
            instances.append(InstanceState(id: id, target: target(pod, id), settings: settings))
            instances[id].pod = pod
            kubernetes!.rows[pod.uid] = id
            if pod.isScrapable { return [start(id, pod)] }
            instances[id].status = .down(.other(pod.problem ?? "pod \(pod.phase)"))
            return []
        }
        let wasScraped = instances[id].pod?.isScrapable == true && instances[id].podGoneAt == nil
        instances[id].pod = pod
        // A deleted pod stays gone: its row is history now.
        guard instances[id].podGoneAt == nil else { return [] }
        let target = target(pod, id)
        let changed = instances[id].target != target
        instances[id].target = target
        switch (wasScraped, pod.isScrapable) {
        case (false, true):
            if case .down = instances[id].status { instances[id].status = .pending }
            return [start(id, pod)]
        case (true, false):
            instances[id].status = .down(.other(pod.problem ?? "pod \(pod.phase)"))
            return stop(id)
        case (true, true) where changed && (k8s.via == .proxy || k8s.forwards[id] != nil):
            return [.stopPolling(id), .startPolling(id, target)]
        default:
            return []
        }
    }

    /// The target of a pod's row: through the pod proxy, or through its port-forward (no address until the
    /// forward serves).
    private func target(_ pod: Pod, _ id: InstanceID) -> Target {
        let k8s = kubernetes!
        let profile = sourceProfile ?? .go
        let qualified = k8s.namespace == nil
        switch k8s.via {
        case .proxy:
            return pod.target(proxy: k8s.proxy, profile: profile, qualified: qualified, context: k8s.context)
        case .portForward:
            return pod.target(
                forwarded: k8s.forwards[id] ?? [:], profile: profile, qualified: qualified, context: k8s.context)
        }
    }

    /// What starts watching a running pod: its polling, or (through port-forwards) its forward, whose first
    /// `podForwarded` starts the polling.
    private func start(_ id: InstanceID, _ pod: Pod) -> Effect {
        guard kubernetes!.via == .portForward else { return .startPolling(id, instances[id].target) }
        return .forwardPod(id, PodForward(namespace: pod.namespace, pod: pod.name, ports: pod.forwardedPorts))
    }

    private mutating func stop(_ id: InstanceID) -> [Effect] {
        guard kubernetes!.via == .portForward else { return [.stopPolling(id)] }
        kubernetes!.forwards[id] = nil
        return [.stopPolling(id), .stopForward(id)]
    }

    private mutating func podGone(_ id: InstanceID) -> [Effect] {
        instances[id].podGoneAt = now
        instances[id].markGone(now: now)
        return stop(id)
    }

    /// A pod's port-forward serves (the first time, or again on other local ports after a restart): the row
    /// polls there.
    mutating func podForwarded(_ id: InstanceID, _ ports: [Int: Int]) -> [Effect] {
        guard kubernetes?.via == .portForward, instances.indices.contains(id), let pod = instances[id].pod,
            pod.isScrapable, instances[id].podGoneAt == nil
        else { return [] }
        let wasPolling = kubernetes!.forwards[id] != nil
        kubernetes!.forwards[id] = ports
        let target = target(pod, id)
        guard !wasPolling || target != instances[id].target else { return [] }
        instances[id].target = target
        return (wasPolling ? [.stopPolling(id)] : []) + [.startPolling(id, target)]
    }

    /// A port-forward died or would not start: said in the status line (the row goes stale on its own, and comes
    /// back when the forward does).
    mutating func podForwardFailed(_ id: InstanceID, _ why: String) {
        guard instances.indices.contains(id), instances[id].podGoneAt == nil else { return }
        setMessage("port-forward to \(name(id)): \(why)", .error)
    }

    /// A 403 from the pod proxy is RBAC (`pods/proxy` not allowed), the same for every pod: one line says so.
    mutating func podScrapeFailed(_ id: InstanceID, _ failure: ScrapeFailure) {
        guard kubernetes != nil, instances[id].pod != nil, case .httpStatus(403, _) = failure else { return }
        kubernetes!.error = Self.proxyForbidden
    }

    public static let proxyForbidden =
        "the API server refuses the pod proxy (403: your user may not get pods/proxy): ask for that permission, or reach the pods through kubectl port-forward: svctop k8s … --via port-forward"

    /// Whether a row is still shown: a deleted pod's row leaves after the grace period.
    func isShown(_ id: InstanceID) -> Bool {
        guard let gone = instances[id].podGoneAt, let grace = kubernetes?.goneGrace else { return true }
        return now - gone < grace
    }

    /// Scrape and probe results that arrive after a pod's deletion (requests that were in flight) change nothing.
    func isRetired(_ id: InstanceID) -> Bool { instances[id].podGoneAt != nil }
}
