import CSvctopSys
import Foundation
import SvctopCore

/// Reads raw bytes from fd 0 and signals from a self-pipe on a dedicated thread, decodes keys, and hands them, in
/// order, to the `deliver` given to `start` on that thread (straight into the UI loop's own stream: a task between
/// the two would be one more wake-up for every key to wait for on a busy box). A lone Esc is emitted after 25 ms of
/// quiet.
public final class InputReader: @unchecked Sendable {
    private var signalPipe: [Int32] = [-1, -1]
    private var stopPipe: [Int32] = [-1, -1]
    private var thread: Thread?

    public init() {}

    /// Installs the signal handlers and starts reading; `deliver` is called on the reader's thread.
    public func start(deliver: @escaping @Sendable (TerminalInput) -> Void) throws {
        guard pipe(&signalPipe) == 0, pipe(&stopPipe) == 0 else {
            throw TerminalError(description: "cannot create the signal pipe: \(String(cString: strerror(errno)))")
        }
        for fd in [signalPipe[0], signalPipe[1]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        guard svctop_install_signal_pipe(signalPipe[1]) == 0 else {
            throw TerminalError(description: "cannot install signal handlers")
        }
        let signalFD = signalPipe[0], stopFD = stopPipe[0]
        let thread = Thread {
            InputReader.loop(signalFD: signalFD, stopFD: stopFD, deliver: deliver)
        }
        thread.name = "svctop-input"
        thread.start()
        self.thread = thread
    }

    /// Stops the reader thread.
    public func stop() {
        if stopPipe[1] >= 0 {
            var b: UInt8 = 1
            _ = write(stopPipe[1], &b, 1)
        }
    }

    private static func loop(signalFD: Int32, stopFD: Int32, deliver: (TerminalInput) -> Void) {
        var decoder = KeyDecoder()
        var stdinOpen = true
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [
                pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stdinOpen ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0),
            ]
            let timeout: Int32 = decoder.hasPending ? 25 : -1
            let ready = poll(&fds, 3, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 {
                for key in decoder.flush() { deliver(.key(key)) }
                continue
            }
            if fds[0].revents != 0 { return }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let n = read(signalFD, &buffer, buffer.count)
                if n > 0 {
                    for i in 0..<n {
                        switch Int32(buffer[i]) {
                        case SIGWINCH: deliver(.resized)
                        case SIGINT: deliver(.interrupted)
                        case SIGTERM: deliver(.terminated)
                        case SIGHUP: deliver(.hangup)
                        case SIGTSTP: deliver(.suspendRequested)
                        case SIGCONT: deliver(.continued)
                        default: break
                        }
                    }
                }
            }
            if stdinOpen && fds[2].revents != 0 {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n > 0 {
                    for key in decoder.feed(buffer[0..<n]) { deliver(.key(key)) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    stdinOpen = false
                    deliver(.inputClosed)
                }
            }
        }
    }
}
