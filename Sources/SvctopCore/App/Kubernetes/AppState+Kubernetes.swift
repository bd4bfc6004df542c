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

    /// A pod as the API now describes it: its row, made or updated, and the polling that follows from it.
    private mutating func upsert(_ pod: Pod, scope: String) -> [Effect] {
        guard let k8s = kubernetes else { return [] }
        kubernetes!.scopes[pod.uid] = scope
        let target = pod.target(
            proxy: k8s.proxy, profile: sourceProfile ?? .go, qualified: k8s.namespace == nil, context: k8s.context)
        guard let id = k8s.rows[pod.uid] else {
            let id = instances.count
            instances.append(InstanceState(id: id, target: target, settings: settings))
            instances[id].pod = pod
            kubernetes!.rows[pod.uid] = id
            if pod.isScrapable { return [.startPolling(id, target)] }
            instances[id].status = .down(.other(pod.problem ?? "pod \(pod.phase)"))
            return []
        }
        let wasScraped = instances[id].pod?.isScrapable == true && instances[id].podGoneAt == nil
        instances[id].pod = pod
        // A deleted pod stays gone: its row is history now.
        guard instances[id].podGoneAt == nil else { return [] }
        let changed = instances[id].target != target
        instances[id].target = target
        switch (wasScraped, pod.isScrapable) {
        case (false, true):
            if case .down = instances[id].status { instances[id].status = .pending }
            return [.startPolling(id, target)]
        case (true, false):
            instances[id].status = .down(.other(pod.problem ?? "pod \(pod.phase)"))
            return [.stopPolling(id)]
        case (true, true) where changed:
            return [.stopPolling(id), .startPolling(id, target)]
        default:
            return []
        }
    }

    private mutating func podGone(_ id: InstanceID) -> [Effect] {
        instances[id].podGoneAt = now
        instances[id].markGone(now: now)
        return [.stopPolling(id)]
    }

    /// A 403 from the pod proxy is RBAC (`pods/proxy` not allowed), the same for every pod: one line says so.
    mutating func podScrapeFailed(_ id: InstanceID, _ failure: ScrapeFailure) {
        guard kubernetes != nil, instances[id].pod != nil, case .httpStatus(403, _) = failure else { return }
        kubernetes!.error = Self.proxyForbidden
    }

    public static let proxyForbidden =
        "the API server refuses the pod proxy (403: your user may not get pods/proxy): ask for that permission, or forward one pod yourself (kubectl port-forward POD :PORT) and run svctop localhost:PORT"

    /// Whether a row is still shown: a deleted pod's row leaves after the grace period.
    func isShown(_ id: InstanceID) -> Bool {
        guard let gone = instances[id].podGoneAt, let grace = kubernetes?.goneGrace else { return true }
        return now - gone < grace
    }

    /// Scrape and probe results that arrive after a pod's deletion (requests that were in flight) change nothing.
    func isRetired(_ id: InstanceID) -> Bool { instances[id].podGoneAt != nil }
}
