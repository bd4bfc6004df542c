import Synchronization
import SvctopCore

/// Adds and removes targets while the engine runs (pods that come and go). Calls made before the engine starts
/// are applied when it does; calls after it stopped do nothing.
public final class ScrapeControl: Sendable {
    enum Change {
        case add(InstanceID, Target)
        case remove(InstanceID)
    }
    private let state = Mutex<(perform: (@Sendable (Change) -> Void)?, pending: [Change], isDone: Bool)>(
        (nil, [], false))

    public init() {}

    public func add(_ id: InstanceID, _ target: Target) { apply(.add(id, target)) }

    public func remove(_ id: InstanceID) { apply(.remove(id)) }

    private func apply(_ change: Change) {
        let perform = state.withLock { s -> (@Sendable (Change) -> Void)? in
            if s.isDone { return nil }
            if s.perform == nil { s.pending.append(change) }
            return s.perform
        }
        perform?(change)
    }

    /// The engine runs: changes go to `perform` from now on, starting with those made before.
    func attach(_ perform: @escaping @Sendable (Change) -> Void) {
        let pending = state.withLock { s -> [Change] in
            s.perform = perform
            defer { s.pending = [] }
            return s.pending
        }
        for change in pending { perform(change) }
    }

    func detach() {
        state.withLock { s in
            s.perform = nil
            s.isDone = true
        }
    }
}
