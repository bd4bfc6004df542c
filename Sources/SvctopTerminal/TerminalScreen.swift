import CNCurses
import CSvctopSys
import Foundation
import SvctopRender

/// The one owner of ncurses. Every curses call in svctop goes through an instance of this class, from one task.
///
/// Output only: input is read raw from fd 0 by `InputReader`. `apply(_:)` writes just the cells that changed since
/// the previous frame. Not thread-safe by design (ncurses is not); keep it on the UI loop.
public final class TerminalScreen {
    public private(set) var width: Int
    public private(set) var height: Int
    /// Colors the terminal supports (0 when none or disabled).
    public let colorCount: Int
    /// True when the locale is UTF-8 (Unicode glyphs are safe).
    public let isUTF8: Bool
    private var previous: ScreenBuffer?
    private var pairs: [PairKey: Int16] = [:]
    private var screen: OpaquePointer?
    private var isOpen = false

    struct PairKey: Hashable {
        var fg: Int16
        var bg: Int16
    }

    /// Checks the terminal and enters full-screen mode.
    ///
    /// - Throws: `TerminalError` when stdout is not a terminal, TERM is unset or `dumb`, or terminfo does not know
    ///   the terminal (or it cannot address the cursor). Nothing is changed on the terminal in that case.
    public init(colorMode: ColorMode) throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(description: "stdout is not a terminal; use --once --format json|text for scripts")
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw TerminalError(
                description: "stdin is not a terminal; svctop reads keys from it (use --once for scripts)")
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw TerminalError(
                description:
                    "TERM is \(term.isEmpty ? "not set" : "'dumb'"); svctop needs a terminal that can move the cursor (for example TERM=xterm-256color), or use --once"
            )
        }
        setlocale(LC_ALL, "")
        let codeset = String(cString: svctop_codeset())
        isUTF8 = codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        var status: Int32 = 0
        if setupterm(term, STDOUT_FILENO, &status) != OK {
            let why = status == 0 ? "terminfo has no entry for TERM='\(term)'" : "no terminfo database was found"
            throw TerminalError(description: "\(why); set TERM to a known terminal (for example xterm-256color)")
        }
        let cup = tigetstr("cup")
        if cup == nil || Int(bitPattern: cup) == -1 {
            throw TerminalError(
                description: "TERM='\(term)' cannot address the cursor; svctop needs a full-screen terminal")
        }
        svctop_save_terminal(STDIN_FILENO)
        svctop_install_crash_restore()
        guard let s = newterm(nil, svctop_stdout(), svctop_stdin()) else {
            svctop_terminal_released()
            throw TerminalError(description: "ncurses could not initialise TERM='\(term)'")
        }
        screen = s
        isOpen = true
        cbreak()
        noecho()
        nonl()
        intrflush(svctop_stdscr(), false)
        keypad(svctop_stdscr(), false)
        curs_set(0)
        leaveok(svctop_stdscr(), true)
        var colors = 0
        if colorMode == .automatic && has_colors() {
            start_color()
            use_default_colors()
            colors = Int(svctop_colors())
        }
        colorCount = colors
        width = Int(svctop_cols())
        height = Int(svctop_lines())
    }

    deinit { close() }

    /// Leaves full-screen mode and restores the terminal. Idempotent.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        curs_set(1)
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        svctop_restore_terminal()
        svctop_terminal_released()
    }

    /// Reads the window size from the terminal and tells ncurses. Returns true when it changed.
    @discardableResult
    public func refreshSize() -> Bool {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return false }
        let w = Int(size.ws_col), h = Int(size.ws_row)
        guard w != width || h != height else { return false }
        resizeterm(Int32(h), Int32(w))
        width = w
        height = h
        previous = nil
        wclear(svctop_stdscr())
        return true
    }

    /// Suspends the process (Ctrl-Z), and on `fg` restores full-screen mode and forces a full redraw.
    public func suspend() {
        endwin()
        svctop_suspend_self()
        // Continued.
        refresh()
        clearok(svctop_curscr(), true)
        previous = nil
        refreshSize()
    }

    /// Writes the cells that differ from the previous frame, then updates the terminal.
    public func apply(_ buffer: ScreenBuffer) {
        guard isOpen else { return }
        if buffer.width != width || buffer.height != height { previous = nil }
        let runs = buffer.diff(from: previous)
        var text: [wchar_t] = []
        text.reserveCapacity(256)
        for run in runs {
            var x = run.x
            var i = 0
            while i < run.cells.count {
                // Group cells of one style into one call.
                let style = run.cells[i].style
                text.removeAll(keepingCapacity: true)
                let startX = x
                while i < run.cells.count && run.cells[i].style == style {
                    let cell = run.cells[i]
                    if !cell.isContinuation { text.append(wchar_t(bitPattern: cell.scalar.value)) }
                    i += 1
                    x += 1
                }
                let (attributes, pair) = cursesStyle(style)
                // The bottom-right cell cannot be written without scrolling on some terminals; ncurses
                // reports ERR there but draws it, so the result is ignored.
                _ = text.withUnsafeBufferPointer {
                    svctop_put(Int32(run.y), Int32(startX), $0.baseAddress, Int32($0.count), attributes, pair)
                }
            }
        }
        wnoutrefresh(svctop_stdscr())
        doupdate()
        previous = buffer
    }

    /// Forgets the previous frame so the next `apply` writes every cell.
    public func invalidate() {
        previous = nil
        clearok(svctop_curscr(), true)
    }

    func cursesStyle(_ style: Style) -> (attr_t, Int16) {
        var attributes = svctop_a_normal()
        if style.attributes.contains(.bold) { attributes |= svctop_a_bold() }
        if style.attributes.contains(.dim) { attributes |= svctop_a_dim() }
        if style.attributes.contains(.reverse) { attributes |= svctop_a_reverse() }
        if style.attributes.contains(.underline) { attributes |= svctop_a_underline() }
        guard colorCount > 0 else { return (attributes, 0) }
        func number(_ c: Color) -> Int16 {
            switch c.degraded(toColors: colorCount) {
            case .terminalDefault: return -1
            case .indexed(let i): return Int(i) < colorCount ? Int16(i) : -1
            }
        }
        let key = PairKey(fg: number(style.foreground), bg: number(style.background))
        if key.fg == -1 && key.bg == -1 { return (attributes, 0) }
        if let pair = pairs[key] { return (attributes, pair) }
        let next = Int16(pairs.count + 1)
        guard Int(next) < Int(svctop_color_pairs()), next < Int16.max else { return (attributes, 0) }
        init_pair(next, key.fg, key.bg)
        pairs[key] = next
        return (attributes, next)
    }
}
