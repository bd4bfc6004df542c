/// Where a dashboard session is recorded (`--record FILE`, `--no-record`, else the flight recording).
enum RecordingChoice: Sendable, Equatable {
    case flight
    case file(String)
    case off
}
