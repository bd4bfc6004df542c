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

    /// The coalescing interval for a fleet of `targets` scraped every `scrapeInterval` seconds: a quarter of the
    /// scrape interval, at most 4 frames a second at the default 1 s (each target's numbers change once an
    /// interval, so a faster rate redraws the same values), and from 1,000 targets never faster, whatever the
    /// interval (redrawing, sorting the fleet and judging outliers 20 times a second there was a sixth of svctop's
    /// CPU). A fast interval on a small fleet draws up to 20 frames a second. Keys are drawn at once whatever the
    /// fleet's size.
    ///
    /// Data used to be drawn up to 20 times a second below a few hundred targets: at ten services, whose scrapes
    /// and probes answer at different moments of the second, that was a frame for nearly every answer, and drawing
    /// was over half of svctop's CPU (docs/performance.md, thirtieth session).
    static func interval(forTargets targets: Int, scrapeInterval: Double) -> Double {
        min(0.25, max(0.05, Double(targets) / 4000, scrapeInterval / 4))
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
