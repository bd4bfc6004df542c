import Foundation
import SvctopTestSupport

/// Drives a real terminal: a detached tmux session of a fixed size, keys in, screen text out.
final class Tmux {
    let session: String
    let socket: String
    /// The pane's first process (tmux makes it a process-group leader): killing its group on teardown leaves no
    /// svctop or trailing `sleep` behind.
    private(set) var panePID: pid_t = 0

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The svctop binary built by `swift build` (the test target depends on it).
    static var binary: String {
        for config in ["debug", "release"] {
            let path = repository.appendingPathComponent(".build/\(config)/svctop").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repository.appendingPathComponent(".build/debug/svctop").path
    }

    /// Where the svctop processes the tests start keep their state (flight recordings, the default journal): one
    /// directory under the temporary directory for the test run, never the user's own `~/.local/state`.
    static let stateHome: String = (try? Scratch.directory("state")) ?? Scratch.root

    /// Starts `command` (a shell command line) in a new session of `width` x `height`.
    init(width: Int, height: Int, command: String) throws {
        session = "svctop-e2e-\(UUID().uuidString.prefix(8))"
        socket = "svctop-e2e-\(getpid())"
        try run([
            "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "-e", "TERM=xterm-256color",
            "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", "-e", "XDG_STATE_HOME=\(Self.stateHome)", command,
        ])
        panePID =
            pid_t(
                try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(
                    in: .whitespacesAndNewlines)) ?? 0
    }

    deinit {
        _ = try? run(["kill-session", "-t", session])
        _ = try? run(["kill-server"])
        if panePID > 0 { kill(-panePID, SIGKILL) }
    }

    /// Ends the tmux server as if the terminal went away (an SSH session dropped), leaving the pane's processes
    /// to notice on their own.
    func killServer() throws {
        try run(["kill-server"])
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        // Output through a file: the tmux server that new-session starts would keep a pipe open forever.
        try runProcess("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments, timeout: 20).stdout
    }

    /// Types keys (tmux key names like `Enter`, `Escape`, `C-c`, or literal text with `literal: true`).
    func send(_ keys: String..., literal: Bool = false) throws {
        try run(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    /// `#{cursor_flag}` and `#{alternate_on}` of the pane.
    func cursorAndAlternate() throws -> (cursorVisible: Bool, alternate: Bool) {
        let text = try run(["display-message", "-p", "-t", session, "#{cursor_flag} #{alternate_on}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ")
        return (parts.first == "1", parts.last == "1")
    }

    func resize(_ width: Int, _ height: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until the screen satisfies `condition`, up to `timeout` seconds; returns the last screen.
    @discardableResult
    func waitFor(_ timeout: Double = 20, _ condition: (String) -> Bool) throws -> (Bool, String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }
}

/// Starts a process with stdin from /dev/null and stdout/stderr to files; returns its pid (reap it with waitpid).
func spawn(
    _ path: String, _ arguments: [String], stdout: String, stderr: String, environment: [String: String]? = nil
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var environment = environment ?? ProcessInfo.processInfo.environment
    if environment["XDG_STATE_HOME"] == nil { environment["XDG_STATE_HOME"] = Tmux.stateHome }
    let env = environment.map { "\($0.key)=\($0.value)" }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    // The test runs on a thread with signals blocked (dispatch's workers block them), and a spawned process
    // inherits that mask: start it as a shell would, with nothing blocked and default actions. (A tmux server
    // with SIGCHLD blocked never finishes kill-server, so its panes never see their terminal go away.)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH] {
        sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: path])
    }
    return pid
}

/// Runs a process to completion (killed after `timeout` seconds) and returns its status and output. Uses
/// posix_spawn and waitpid directly; output goes through files so no pipe can fill up or be held open.
func runProcess(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60
) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let base = Scratch.file("run")
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let pid = try spawn(path, arguments, stdout: base + ".out", stderr: base + ".err", environment: environment)
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while true {
        let done = waitpid(pid, &status, WNOHANG)
        if done == pid { break }
        if Date() > deadline {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            break
        }
        usleep(10_000)
    }
    let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
    return (exitStatus, out, err)
}
