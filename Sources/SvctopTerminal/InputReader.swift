import CSvctopSys
import Foundation
import SvctopCore

/// Reads raw bytes from fd 0 and signals from a self-pipe on a dedicated thread, decodes keys, and delivers
/// them in order through `inputs`. A lone Esc is emitted after 25 ms of quiet.
public final class InputReader: @unchecked Sendable {
    public let inputs: AsyncStream<TerminalInput>
    private let continuation: AsyncStream<TerminalInput>.Continuation
    private var signalPipe: [Int32] = [-1, -1]
    private var stopPipe: [Int32] = [-1, -1]
    private var thread: Thread?

    public init() {
        (inputs, continuation) = AsyncStream.makeStream(of: TerminalInput.self, bufferingPolicy: .unbounded)
    }

    /// Installs the signal handlers and starts reading.
    public func start() throws {
        guard pipe(&signalPipe) == 0, pipe(&stopPipe) == 0 else {
            throw TerminalError(description: "cannot create the signal pipe: \(String(cString: strerror(errno)))")
        }
        for fd in [signalPipe[0], signalPipe[1]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        guard svctop_install_signal_pipe(signalPipe[1]) == 0 else {
            throw TerminalError(description: "cannot install signal handlers")
        }
        let signalFD = signalPipe[0], stopFD = stopPipe[0]
        let continuation = self.continuation
        let thread = Thread {
            InputReader.loop(signalFD: signalFD, stopFD: stopFD, continuation: continuation)
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
        continuation.finish()
    }

    private static func loop(signalFD: Int32, stopFD: Int32, continuation: AsyncStream<TerminalInput>.Continuation) {
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
                for key in decoder.flush() { continuation.yield(.key(key)) }
                continue
            }
            if fds[0].revents != 0 { return }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let n = read(signalFD, &buffer, buffer.count)
                if n > 0 {
                    for i in 0..<n {
                        switch Int32(buffer[i]) {
                        case SIGWINCH: continuation.yield(.resized)
                        case SIGINT: continuation.yield(.interrupted)
                        case SIGTERM: continuation.yield(.terminated)
                        case SIGHUP: continuation.yield(.hangup)
                        case SIGTSTP: continuation.yield(.suspendRequested)
                        case SIGCONT: continuation.yield(.continued)
                        default: break
                        }
                    }
                }
            }
            if stdinOpen && fds[2].revents != 0 {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n > 0 {
                    for key in decoder.feed(buffer[0..<n]) { continuation.yield(.key(key)) }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    stdinOpen = false
                    continuation.yield(.inputClosed)
                }
            }
        }
    }
}
