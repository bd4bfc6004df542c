import ArgumentParser
import Foundation
import SvctopCore
import SvctopRecord
import SvctopRender
import SvctopTerminal

/// `svctop replay FILE`: the dashboard driven by a recording or an incident bundle instead of the network.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svctop replay",
        abstract: "Replay a recording (or an incident bundle) in the dashboard, with no network.",
        discussion: """
            Keys: Space pauses, ←/→ step one interval back or forward, [ and ] change the speed (1x to 60x),
            t jumps to a time (HH:MM[:SS] UTC, +5m, -30s) or, with an empty answer, to the next warning (leak,
            OOM estimate, readiness lost, drain). Everything else works as live: open instances, sort, filter,
            read the dumps that were fetched. Drain and log level are disabled. The status bar shows the recorded
            time.

            Flight recordings are under $XDG_STATE_HOME/svctop/recordings (newest last).

            Examples:
              svctop replay ~/.local/state/svctop/recordings/svctop-20261202T143000Z-4242.svrec
              svctop replay incident.tar.gz
              svctop replay incident.tar.gz --once --format json --at 14:32:05
            """)

    @Argument(help: "A recording (.svrec) or an incident bundle (.tar.gz).")
    var file: String

    @Flag(help: "Print the snapshot at --at (default: the end) and exit, no terminal.")
    var once = false

    @Option(help: "With --once: json or text.")
    var format: OutputFormat = .json

    @Option(help: "The moment to show: HH:MM[:SS] (UTC), seconds since the epoch, or +5m from the start.")
    var at: String?

    @Option(help: "Start at this speed: 1, 2, 5, 10, 30 or 60.")
    var speed: Double = 1

    @Flag(help: "No colors.")
    var noColor = false

    @Flag(help: "ASCII glyphs only.")
    var ascii = false

    func run() async throws {
        let recording: Recording
        do {
            recording = try RecordingFile.open(file)
        } catch {
            Output.error("svctop replay: \(file): \(error)")
            throw ExitCode(2)
        }
        var player = ReplayPlayer(recording: recording)
        if let damage = player.damage { Output.error("svctop replay: \(file): \(damage)") }
        var target = player.end
        if let at {
            guard let time = ReplayPlayer.time(at, position: player.start, start: player.start) else {
                Output.error("svctop replay: --at \(at): expected HH:MM[:SS], seconds since the epoch, or +5m")
                throw ExitCode(2)
            }
            target = time
        }
        if once {
            player.advance(to: target)
            Output.out(SnapshotOutput.render(player.state, format: format))
            throw ExitCode(0)
        }
        if at != nil { player.seek(to: target) }
        let runner = ReplayRunner(
            player: player, speed: speed, colorMode: noColor ? .monochrome : .automatic, forceASCII: ascii)
        do {
            throw ExitCode(try await runner.run())
        } catch let error as TerminalError {
            Output.error("svctop replay: \(error.description)")
            throw ExitCode(2)
        }
    }
}
