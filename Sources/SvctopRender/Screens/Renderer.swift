import SvctopCore

/// Renders the whole state into a fresh screen buffer. Pure: the same state gives the same screen.
public struct Renderer: Sendable {
    public var theme: Theme
    public var glyphs: Glyphs

    public init(theme: Theme = .dark, glyphs: Glyphs = .unicode) {
        self.theme = theme
        self.glyphs = glyphs
    }

    public func render(_ state: AppState) -> ScreenBuffer {
        var p = Painter(width: state.width, height: state.height, theme: theme, glyphs: glyphs)
        if state.isTooSmall {
            TooSmallScreen.draw(&p, state)
            return p.buffer
        }
        switch state.view {
        case .fleet: FleetScreen.draw(&p, state)
        case .instance(let id): InstanceScreen.draw(&p, state, id)
        case .dump: DumpScreen.draw(&p, state)
        case .pprof: PprofScreen.draw(&p, state)
        case .help: HelpScreen.draw(&p, state)
        }
        StatusBar.draw(&p, state)
        if state.dialog != nil { DialogView.draw(&p, state) }
        return p.buffer
    }
}

enum TooSmallScreen {
    static func draw(_ p: inout Painter, _ state: AppState) {
        let lines = [
            "terminal too small",
            "(need \(AppState.minimumWidth)x\(AppState.minimumHeight),",
            "have \(state.width)x\(state.height))",
            "q quits",
        ]
        let top = max(0, (state.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < state.height {
            let x = max(0, (state.width - CharacterWidth.of(line)) / 2)
            p.text(line, x: x, y: top + i, i == 0 ? .warning : .text)
        }
    }
}
