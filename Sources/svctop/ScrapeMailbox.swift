import Foundation
import SvctopCore

/// Where the scrape engine leaves its results for the UI loop: a scrape result waiting to be reduced is replaced
/// by a newer one of the same instance, so a loop that falls behind (a saturated box, a slow terminal) catches up
/// on the newest readings instead of working through a queue that grows by a fleet's worth every interval. Every
/// other event (probes, log levels) is kept, in order.
///
/// The engine `put`s; the first put after a `take` says the loop must be woken (one wake-up carries everything
/// that arrived until the loop takes it).
final class ScrapeMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var others: [Event] = []
    private var scrapes: [InstanceID: Event] = [:]
    private var scrapeOrder: [InstanceID] = []
    private var isSignalled = false
    private var replaced = 0

    /// Leaves `events`; true when the loop has to be woken to take them.
    func put(_ events: [Event]) -> Bool {
        lock.withLock {
            for event in events {
                if case .scrapeCompleted(let id, _) = event {
                    if scrapes.updateValue(event, forKey: id) == nil { scrapeOrder.append(id) } else { replaced += 1 }
                } else {
                    others.append(event)
                }
            }
            defer { isSignalled = true }
            return !isSignalled
        }
    }

    /// Everything left since the last take: the other events in the order they came, then the newest scrape
    /// result of each instance, in the order the instances first answered.
    func take() -> [Event] {
        lock.withLock {
            defer {
                others = []
                scrapes = [:]
                scrapeOrder = []
                isSignalled = false
            }
            return others + scrapeOrder.map { scrapes[$0]! }
        }
    }

    /// Scrape results replaced by newer ones before the loop took them, since svctop started.
    var replacedCount: Int { lock.withLock { replaced } }
}
