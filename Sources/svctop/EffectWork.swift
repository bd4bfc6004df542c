import SvctopCore

/// One effect made runnable: the work, how long it may take, and the event that reports it when it does not
/// finish in time. Built on the loop from the state at that moment; run as a child task off the loop.
struct EffectWork: Sendable {
    /// Seconds the work may take before it is cancelled and `timedOut` is reported instead.
    var deadline: Double
    var run: @Sendable () async -> Event?
    var timedOut: Event?
}

extension EffectWork {
    /// Runs the work within its deadline. Returns the work's event, `timedOut` when the deadline passed first, or
    /// nil when cancelled (svctop is quitting: nobody is left to tell).
    func runWithDeadline() async -> Event? {
        enum Finish: Sendable {
            case work(Event?)
            case timer
        }
        let run = run
        let deadline = deadline
        return await withTaskGroup(of: Finish.self) { group in
            group.addTask { .work(await run()) }
            group.addTask {
                try? await Task.sleep(for: .seconds(deadline))
                return .timer
            }
            let first = await group.next() ?? .timer
            group.cancelAll()
            if Task.isCancelled { return nil }
            switch first {
            case .work(let event): return event
            case .timer: return timedOut
            }
        }
    }
}
