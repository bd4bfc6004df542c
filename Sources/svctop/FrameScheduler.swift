/// Decides when the loop draws: a key press or a resize at once; changed data coalesced into at most one frame
/// every `interval` seconds; nothing at all while nothing changes (an idle dashboard does not wake up).
///
/// Pure: the loop tells it what happened and when, and does what it answers.
struct FrameScheduler {
    /// What woke the loop.
    enum Trigger: Equatable {
        /// A key or a resize: the user is waiting for the screen.
        case urgent
        /// New data (engine batches, effect results).
        case data
        /// The one-second clock (ages and staleness move).
        case tick
        /// The frame the scheduler asked for.
        case frame
        /// Nothing that changes the screen.
        case none
    }

    enum Decision: Equatable {
        case draw
        /// Ask for a `.frame` trigger in `interval` seconds.
        case schedule
        case wait
    }

    var interval = 0.05

    /// The coalescing interval for a fleet of `targets`: 20 frames a second for a few hundred, down to 4 for a
    /// thousand and more. Data arrives every second per target; at a thousand targets it arrives all the time, and
    /// redrawing (sorting the fleet, judging outliers) 20 times a second was a sixth of svctop's CPU. Keys are
    /// drawn at once whatever the fleet's size.
    static func interval(forTargets targets: Int) -> Double {
        min(0.25, max(0.05, Double(targets) / 4000))
    }
    private(set) var isDirty = false
    private(set) var isFrameScheduled = false
    private var lastFrame = -Double.infinity

    mutating func decide(_ trigger: FrameScheduler.Trigger, now: Double) -> Decision {
        if trigger == .data || trigger == .tick { isDirty = true }
        if trigger == .frame { isFrameScheduled = false }
        // Data that arrives when no frame was drawn for `interval` is drawn at once (the engine already batches
        // it); otherwise it waits for the scheduled frame.
        let isDue = trigger == .frame || trigger == .tick || (!isFrameScheduled && now - lastFrame >= interval)
        if trigger == .urgent || (isDirty && isDue) {
            isDirty = false
            lastFrame = now
            return .draw
        }
        if isDirty && !isFrameScheduled {
            isFrameScheduled = true
            return .schedule
        }
        return .wait
    }
}
