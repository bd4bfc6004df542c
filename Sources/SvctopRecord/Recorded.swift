import SvctopCore

/// One thing a recording holds, at its time: an event the dashboard reduced, or a line of the audit journal.
public enum Recorded: Sendable {
    case event(Event)
    case journal(JournalEntry)
}
