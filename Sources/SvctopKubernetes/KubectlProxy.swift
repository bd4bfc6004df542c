import Foundation

/// One `kubectl proxy` child: the user's own kubectl carries the user's credentials (certificates, tokens, exec
/// plugins), svctop talks plain HTTP to it on loopback, and no credential ever passes through svctop.
///
/// It never outlives svctop: a small `sh` leaves a watcher on svctop's end of a pipe and then becomes kubectl; the
/// watcher kills kubectl when that pipe closes, which happens on every exit path, `kill -9` and crashes included
/// (the kernel closes the pipe). When kubectl dies on its own, `supervise` starts it again on the same port (so the URLs of
/// the rows stay valid), with capped exponential backoff.
public final class KubectlProxy: @unchecked Sendable {
    public let url: String
    public let port: Int
    let kubectl: String
    let arguments: [String]
    /// The kubectl arguments that choose the cluster (`--kubeconfig`, `--context`), for other kubectl children.
    public var globalArguments: [String] { arguments }
    private let lock = NSLock()
    private var child: Child?
    private var stopped = false

    final class Child: @unchecked Sendable {
        let process: Process
        let lifeline: Pipe
        let errors = Tail()
        private let lock = NSLock()
        private var outputEnded = false
        init(process: Process, lifeline: Pipe) {
            self.process = process
            self.lifeline = lifeline
        }
        /// kubectl's stdout reached its end: kubectl exited (only it holds the pipe's other end). Foundation's
        /// `isRunning` alone is not enough: it can stay true for a child killed under it.
        func endOutput() { lock.withLock { outputEnded = true } }
        var isRunning: Bool { !lock.withLock { outputEnded } && process.isRunning }
    }

    /// The last few KiB of kubectl's stderr (read continuously, so kubectl never blocks on a full pipe).
    final class Tail: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        func append(_ data: Data) {
            lock.withLock {
                bytes.append(contentsOf: data)
                if bytes.count > 4096 { bytes.removeFirst(bytes.count - 4096) }
            }
        }
        var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
        var lastLine: String { text.split(separator: "\n").last.map(String.init) ?? "" }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The kubectl arguments that choose the cluster (`--kubeconfig`, `--context`), before the verb.
    public static func globalArguments(kubeconfig: String?, context: String?) -> [String] {
        var args: [String] = []
        if let kubeconfig { args += ["--kubeconfig", kubeconfig] }
        if let context { args += ["--context", context] }
        return args
    }

    /// Starts `kubectl proxy` on a free loopback port and waits (at most `timeout`) for it to serve.
    public static func start(
        kubectl: String = "kubectl", global: [String], timeout: Double = 20
    ) throws(Failure)
        -> KubectlProxy
    {
        let (child, port) = try launch(
            kubectl: kubectl, arguments: global + ["proxy", "--port=0"], what: "proxy", timeout: timeout,
            ready: servingPort)
        let proxy = KubectlProxy(kubectl: kubectl, arguments: global, port: port)
        proxy.child = child
        return proxy
    }

    private init(kubectl: String, arguments: [String], port: Int) {
        self.kubectl = kubectl
        self.arguments = arguments
        self.port = port
        self.url = "http://127.0.0.1:\(port)"
    }

    /// Starts a watcher that kills this process when svctop's end of the lifeline (stdin) closes, then becomes
    /// kubectl (same PID, so svctop watches kubectl itself). SIGKILL: kubectl may inherit a mask that blocks
    /// SIGTERM, and a Go program keeps a signal blocked that it was started with.
    static let guardScript = """
        exec 3<&0
        ( while read -r _ <&3; do :; done; kill -KILL $$ 2>/dev/null ) </dev/null >/dev/null 2>&1 &
        exec "$@" </dev/null 3<&-
        """

    /// "Starting to serve on 127.0.0.1:41234" → 41234.
    static func servingPort(_ output: String) -> Int? {
        guard let range = output.range(of: "Starting to serve on ") else { return nil }
        let rest = output[range.upperBound...].prefix { $0 != "\n" }
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        return Int(rest[rest.index(after: colon)...])
    }

    /// Runs kubectl with `arguments` (its verb: `what`) behind the guard, and waits (at most `timeout`) until `ready` finds in its
    /// output what says it serves.
    static func launch<Ready: Sendable>(
        kubectl: String, arguments: [String], what: String, timeout: Double,
        ready: @escaping @Sendable (String) -> Ready?
    ) throws(Failure) -> (Child, Ready) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", guardScript, "svctop-kubectl", kubectl] + arguments
        let lifeline = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = lifeline
        process.standardOutput = output
        process.standardError = errors
        let child = Child(process: process, lifeline: lifeline)
        let started = DispatchSemaphore(value: 0)
        let seen = Tail()
        let found = Found<Ready>()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                child.endOutput()
                started.signal()
                return
            }
            seen.append(data)
            if found.value == nil, let value = ready(seen.text) {
                found.value = value
                started.signal()
            }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { child.errors.append(data) }
        }
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(kubectl): \(error.localizedDescription)")
        }
        _ = started.wait(timeout: .now() + timeout)
        guard let value = found.value else {
            try? lifeline.fileHandleForWriting.close()
            child.waitForExit(seconds: 2)
            let why = child.errors.lastLine
            throw Failure(
                description: "kubectl \(what) did not start"
                    + (why.isEmpty ? " within \(Int(timeout))s" : ": \(why)"))
        }
        return (child, value)
    }

    final class Found<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Value?
        var value: Value? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    public var isRunning: Bool { lock.withLock { child?.isRunning ?? false } }

    /// Restarts kubectl proxy (same port) whenever it exits, until `stop`; reports each exit and each failed
    /// restart through `report`.
    public func supervise(
        report: @escaping @Sendable (String) -> Void, recovered: @escaping @Sendable () -> Void
    )
        async
    {
        var failures = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            if isRunning || lock.withLock({ stopped }) { continue }
            let why = lock.withLock { child?.errors.lastLine ?? "" }
            failures += 1
            let delay = failures == 1 ? 0 : min(30, Double(1 << min(failures - 2, 5)))
            report(
                "kubectl proxy exited\(why.isEmpty ? "" : " (\(why))"); restarting it"
                    + (delay > 0 ? " in \(Int(delay))s" : ""))
            if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
            guard !Task.isCancelled else { return }
            do {
                let (child, _) = try Self.launch(
                    kubectl: kubectl, arguments: arguments + ["proxy", "--port=\(port)"], what: "proxy", timeout: 20,
                    ready: Self.servingPort)
                let keep = lock.withLock { () -> Bool in
                    if stopped { return false }
                    self.child?.close()
                    self.child = child
                    return true
                }
                if !keep {
                    child.close()
                } else {
                    failures = 0
                    recovered()
                }
            } catch {
                report("\(error.description); retrying")
            }
        }
    }

    /// Stops kubectl: closes the lifeline (the guard kills kubectl) and terminates the guard.
    public func stop() {
        let child = lock.withLock { () -> Child? in
            stopped = true
            defer { self.child = nil }
            return self.child
        }
        child?.close()
    }
}

extension KubectlProxy.Child {
    func close() {
        try? lifeline.fileHandleForWriting.close()
        if isRunning { kill(process.processIdentifier, SIGKILL) }
        waitForExit(seconds: 2)
    }

    /// Waits for kubectl to exit, at most `seconds` (polling: `waitUntilExit` has no timeout).
    func waitForExit(seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while isRunning && Date() < end { usleep(10_000) }
    }
}
