import ArgumentParser
import Foundation
import SvctopCore
import SvctopRecord

/// `svctop bundle`: the last span of the newest flight recording (or of a recording given) as an incident bundle.
struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop bundle",
        abstract:
            "Write an incident bundle (.tar.gz): the recording of a span, its dumps, journal, snapshot and screen.",
        discussion: """
            The recording is the newest flight recording under $XDG_STATE_HOME/svctop/recordings (a running
            svctop's too: everything up to its last second), or --recording FILE. Open the bundle anywhere with
            svctop replay FILE.tar.gz.

            Examples:
              svctop bundle --since 30m
              svctop bundle --since 1h -o checkout-incident.tar.gz
            """)

    @Option(help: "How far back from the recording's end, e.g. 30m or 2h (default: the whole recording).")
    var since: String?

    @Option(name: [.customShort("o"), .long], help: "The bundle's file (default: svctop-incident-TIME.tar.gz).")
    var output: String?

    @Option(help: "The recording to bundle (default: the newest flight recording).")
    var recording: String?

    @Option(help: "The audit journal to take the span's lines from (default: the standard journal).")
    var journal: String?

    func run() async throws {
        var span: Double?
        if let since {
            guard let seconds = SettingDeclaration.seconds(since), seconds > 0 else {
                Output.error("svctop bundle: --since \(since): expected a duration like 30m or 2h")
                throw ExitCode(2)
            }
            span = seconds
        }
        guard let path = recording ?? FlightRecorder.recordings().last?.path else {
            Output.error(
                "svctop bundle: no flight recording under \(FlightRecorder.defaultDirectory); give --recording FILE")
            throw ExitCode(2)
        }
        do {
            let source = try RecordingFile.open(path)
            if let damage = source.damage { Output.error("svctop bundle: \(path): \(damage)") }
            let now = Date().timeIntervalSince1970
            let file = output ?? "svctop-incident-\(BundleMaker.stamp(now)).tar.gz"
            let written = try BundleMaker.write(
                recording: source, since: span, journalPath: journal ?? Journal.defaultPath, output: file, now: now)
            Output.out("\(written)\n")
        } catch {
            Output.error("svctop bundle: \(path): \(error)")
            throw ExitCode(1)
        }
    }
}
