#if canImport(Glibc)
import Glibc
#endif

/// A nice value for svctop's network threads (the event loops that carry scrapes, probes and actions, and the
/// pool that parses very large answers): the process's own plus `increment`, so that when both want a core they
/// give way to the UI loop, which reduces, draws and answers keys on Swift's cooperative threads.
///
/// Why: on a saturated box the event loops are always runnable (a fleet's answers wait for them), and at the same
/// priority they took most of svctop's share of the CPU from the UI loop. A key then waited behind them: 36–55 ms
/// median at 1,000 real Go targets on a saturated 2-core box, 11–19 ms with the event loops 10 steps nicer
/// (docs/performance.md). The UI loop uses a few per cent of a core, so the event loops lose little; on an idle
/// box a nice value changes nothing.
///
/// A nice value orders the threads of one scheduling group. Where svctop has a group of its own (the kernel's
/// autogroup per terminal session, a systemd session scope, a container's cgroup), its share against the rest of
/// the box is the same with it. Where it shares one group with busy processes, its network threads get less of
/// a saturated CPU than theirs, and scrapes come later (and show as late).
///
/// Linux keeps a nice value per thread, and `setpriority(PRIO_PROCESS, 0, _)` sets the calling thread's (see
/// setpriority(2), "Bugs"); a process cannot lower it again without privilege, so it is only ever raised.
public struct ThreadNice: Sendable, Equatable {
    /// The nice value the threads run at.
    public let value: Int32

    /// The calling thread's nice value plus `increment`, at most 19.
    public init(increment: Int32) {
        value = min(19, Self.current() + increment)
    }

    /// Raises the calling thread's nice value to `value`; a thread already at or above it is left alone.
    public func apply() {
        #if canImport(Glibc)
        if Self.current() < value { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value) }
        #endif
    }

    /// The calling thread's nice value.
    public static func current() -> Int32 {
        #if canImport(Glibc)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
