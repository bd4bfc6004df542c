import NIOCore

/// The pollers' next cycles on one event loop, by their 10 ms slot of the cycle grid: one timer per slot that has
/// cycles due, not one per poller. At 1,000 targets a timer per poller kept NIO's timer heap (pushing, popping and
/// copying its tasks) at about 4 % of the dashboard's time; there are at most a hundred slots a second.
///
/// Confined to `loop`: every method runs there (hence `@unchecked Sendable`).
final class CycleSlots: @unchecked Sendable {
    let loop: any EventLoop
    /// Slot (uptime nanoseconds, a multiple of `grid`) → the pollers whose next cycle starts then.
    private var slots: [UInt64: [TargetPoller]] = [:]
    private var isStopped = false
    static let grid: UInt64 = 10_000_000

    init(loop: any EventLoop) { self.loop = loop }

    /// Runs `poller`'s next cycle at the slot nearest `deadline`.
    func add(_ poller: TargetPoller, at deadline: NIODeadline) {
        guard !isStopped else { return }
        let grid = Self.grid
        let slot = (deadline.uptimeNanoseconds + grid / 2) / grid * grid
        if slots[slot] != nil {
            slots[slot]!.append(poller)
            return
        }
        slots[slot] = [poller]
        // A slot's timer fires whatever happens; a stopped poller skips its cycle then (`TargetPoller.stop`).
        loop.scheduleTask(deadline: .uptimeNanoseconds(slot)) { [self] in
            guard let due = slots.removeValue(forKey: slot), !isStopped else { return }
            for poller in due { poller.cycle() }
        }
    }

    func stop() {
        isStopped = true
        slots = [:]
    }
}
