import Foundation
import SvctopCore

/// One supervised `kubectl port-forward` per pod (`svctop k8s --via port-forward`), each to free loopback ports.
///
/// A forward that dies (the pod restarted, the connection to the API server broke, someone killed kubectl) is
/// started again with capped exponential backoff: 1 s, doubling to 30 s, back to 1 s once a forward has served for
/// `steady` seconds. A restart asks for the same local ports first, so the row's address does not change; when
/// they are taken, it takes new ones and says so (`Outcome.serving` with the new ports). Each kubectl runs behind
/// the same guard as `kubectl proxy` (`KubectlProxy.guardScript`): none outlives svctop, whichever way it ends.
public final class PortForwards: @unchecked Sendable {
    /// What happened to a pod's forward.
    public enum Outcome: Sendable, Equatable {
        /// kubectl serves: pod port → loopback port.
        case serving([Int: Int])
        /// kubectl exited or would not start; the text says why and when it is tried again.
        case failed(String)
    }

    let kubectl: String
    let global: [String]
    let steady: Double
    let startTimeout: Double
    private let lock = NSLock()
    private var forwards: [InstanceID: Forward] = [:]
    private var stopped = false

    final class Forward: @unchecked Sendable {
        var task: Task<Void, Never>?
        var child: KubectlProxy.Child?
        var ended = false
    }

    /// - Parameters:
    ///   - global: the kubectl arguments that choose the cluster (`--kubeconfig`, `--context`).
    ///   - steady: how long a forward must serve before the backoff starts again from 1 s.
    public init(kubectl: String, global: [String], steady: Double = 5, startTimeout: Double = 20) {
        self.kubectl = kubectl
        self.global = global
        self.steady = steady
        self.startTimeout = startTimeout
    }

    /// The delay before restart number `failures` (1, 2, 4, … 30 s).
    public static func backoff(_ failures: Int) -> Double { min(30, Double(1 << min(max(failures - 1, 0), 5))) }

    /// The arguments of one forward: the pod, then a port pair per pod port (`LOCAL:PORT`, or `:PORT` for a free
    /// one), on loopback only.
    func arguments(_ forward: PodForward, local: [Int: Int]) -> [String] {
        global + ["port-forward", "--namespace", forward.namespace, "--address", "127.0.0.1", "pod/\(forward.pod)"]
            + forward.ports.map { port in local[port].map { "\($0):\(port)" } ?? ":\(port)" }
    }

    /// "Forwarding from 127.0.0.1:41234 -> 9090", once for every port of `ports` → [9090: 41234].
    static func forwardedPorts(_ output: String, ports: [Int]) -> [Int: Int]? {
        var found: [Int: Int] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("Forwarding from ") {
            let parts = line.dropFirst("Forwarding from ".count).split(separator: " ")
            guard parts.count == 3, parts[1] == "->", let remote = Int(parts[2]),
                let colon = parts[0].lastIndex(of: ":"), let local = Int(parts[0][parts[0].index(after: colon)...])
            else { continue }
            found[remote] = local
        }
        return ports.allSatisfy { found[$0] != nil } ? found.filter { ports.contains($0.key) } : nil
    }

    /// Keeps a forward to `forward` for instance `id` until `stop(id)`, telling `report` each time it serves or
    /// fails.
    public func start(
        _ id: InstanceID, _ forward: PodForward, report: @escaping @Sendable (InstanceID, Outcome) -> Void
    ) {
        let entry = Forward()
        let previous = lock.withLock { () -> Forward? in
            guard !stopped else { return nil }
            defer { forwards[id] = entry }
            return forwards[id]
        }
        if let previous { end(previous) }
        guard lock.withLock({ !stopped }) else { return }
        let task = Task { [self] in await supervise(id, forward, entry, report: report) }
        lock.withLock { entry.task = task }
    }

    /// Ends the forward of instance `id` (kubectl is killed off the caller's thread).
    public func stop(_ id: InstanceID) {
        guard let entry = lock.withLock({ forwards.removeValue(forKey: id) }) else { return }
        DispatchQueue.global().async { self.end(entry) }
    }

    /// Ends every forward, and any started later: on svctop's way out.
    public func stopAll() {
        let all = lock.withLock { () -> [Forward] in
            stopped = true
            defer { forwards = [:] }
            return Array(forwards.values)
        }
        // The lifelines first, all at once; then the waits.
        let children = all.compactMap(detach)
        for child in children { try? child.lifeline.fileHandleForWriting.close() }
        for child in children { child.close() }
    }

    private func end(_ entry: Forward) { detach(entry)?.close() }

    /// Marks a forward ended, cancels its supervision and hands over its kubectl, if one runs.
    private func detach(_ entry: Forward) -> KubectlProxy.Child? {
        lock.withLock {
            entry.ended = true
            entry.task?.cancel()
            defer { entry.child = nil }
            return entry.child
        }
    }

    private func supervise(
        _ id: InstanceID, _ forward: PodForward, _ entry: Forward,
        report: @escaping @Sendable (InstanceID, Outcome) -> Void
    ) async {
        var local: [Int: Int] = [:]
        var failures = 0
        while !Task.isCancelled && !lock.withLock({ entry.ended }) {
            let arguments = arguments(forward, local: local)
            let ports = forward.ports
            let launched = await Self.offPool {
                [kubectl, startTimeout] () -> Result<(KubectlProxy.Child, [Int: Int]), KubectlProxy.Failure> in
                do throws(KubectlProxy.Failure) {
                    return .success(
                        try KubectlProxy.launch(
                            kubectl: kubectl, arguments: arguments, what: "port-forward", timeout: startTimeout,
                            ready: { Self.forwardedPorts($0, ports: ports) }))
                } catch {
                    return .failure(error)
                }
            }
            let why: String
            switch launched {
            case .success(let (child, served)):
                let keep = lock.withLock { () -> Bool in
                    guard !entry.ended else { return false }
                    entry.child = child
                    return true
                }
                guard keep else {
                    child.close()
                    return
                }
                local = served
                report(id, .serving(served))
                let since = Date()
                while child.isRunning && !Task.isCancelled && !lock.withLock({ entry.ended }) {
                    try? await Task.sleep(for: .milliseconds(200))
                }
                if Task.isCancelled || lock.withLock({ entry.ended }) { return }
                if Date().timeIntervalSince(since) >= steady { failures = 0 }
                let last = child.errors.lastLine
                lock.withLock { entry.child = nil }
                child.close()
                why = "kubectl port-forward exited" + (last.isEmpty ? "" : " (\(last))")
            case .failure(let failure):
                // Perhaps the local ports are taken now: the next try takes free ones.
                local = [:]
                why = failure.description
            }
            failures += 1
            let delay = Self.backoff(failures)
            report(id, .failed("\(why); restarting it in \(Int(delay))s"))
            try? await Task.sleep(for: .seconds(delay))
        }
    }

    /// Runs blocking work (starting kubectl waits for its first lines) on a thread of its own, not the pool's.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}

extension PortForwards.Outcome {
    /// The event the state reduces for instance `id`.
    public func event(_ id: InstanceID) -> Event {
        switch self {
        case .serving(let ports): return .podForwarded(id, ports)
        case .failed(let why): return .podForwardFailed(id, why)
        }
    }
}
