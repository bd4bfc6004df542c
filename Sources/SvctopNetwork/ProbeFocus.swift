import Foundation
import Synchronization
import SvctopCore

/// The instances whose health is watched every interval for a while: the one open in the instance view, and
/// those a drain, undrain or log-level change was just sent to. The others are probed every
/// `defaults.probe_interval` while they pass (and every interval once a probe fails). Written by the runner,
/// read by the engine's pollers once a cycle.
public final class ProbeFocus: Sendable {
    private let until = Mutex<[InstanceID: Double]>([:])

    public init() {}

    /// Probe `id` every interval until `deadline` (seconds since the epoch).
    public func watch(_ id: InstanceID, until deadline: Double) {
        until.withLock { $0[id] = max($0[id] ?? 0, deadline) }
    }

    public func isWatched(_ id: InstanceID, now: Double = Date().timeIntervalSince1970) -> Bool {
        until.withLock { map in
            guard let deadline = map[id] else { return false }
            if deadline < now { map[id] = nil }
            return deadline >= now
        }
    }
}
