import Foundation
import SvctopCore
import SvctopRecord
import SvctopRender
import SvctopTerminal

/// The replay's loop: keys and a 100 ms clock; the clock moves the recorded time by the elapsed time times the
/// speed (unless paused) and the screen is drawn from the replayed state.
struct ReplayRunner {
    var player: ReplayPlayer
    var speed: Double
    var colorMode: ColorMode
    var forceASCII: Bool

    enum Input: Sendable {
        case terminal(TerminalInput)
        case clock
    }

    func run() async throws -> Int32 {
        let terminal = try TerminalScreen(colorMode: colorMode)
        defer { terminal.close() }
        let (inputs, sink) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        let reader = InputReader()
        try reader.start { sink.yield(.terminal($0)) }
        defer { reader.stop() }
        var theme = Theme.builtIn("dark") ?? .monochrome
        theme = terminal.colorCount == 0 ? .monochrome : theme.degraded(toColors: terminal.colorCount)
        let renderer = Renderer(theme: theme, glyphs: terminal.isUTF8 && !forceASCII ? .unicode : .ascii)

        var player = self.player
        player.resize(width: terminal.width, height: terminal.height)
        player.setSpeed(speed)
        if let damage = player.damage { player.note("replay: \(damage)") }
        terminal.apply(renderer.render(player.state))

        let clock = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                sink.yield(.clock)
            }
        }
        var last = Date().timeIntervalSince1970
        loop: for await input in inputs {
            let now = Date().timeIntervalSince1970
            switch input {
            case .terminal(.key(let key)):
                if player.press(key) == .quit { break loop }
            case .terminal(.resized), .terminal(.continued):
                terminal.invalidate()
                terminal.refreshSize()
                player.resize(width: terminal.width, height: terminal.height)
            case .terminal(.suspendRequested):
                terminal.suspend()
                player.resize(width: terminal.width, height: terminal.height)
            case .terminal:
                break loop
            case .clock:
                player.play(elapsed: now - last)
            }
            last = now
            terminal.apply(renderer.render(player.state))
        }
        clock.cancel()
        sink.finish()
        terminal.close()
        return 0
    }
}
