import Foundation
import SvctopCore

/// The append-only audit journal of mutating actions (JSON lines, mode 0600, never truncated).
/// Thread-safe: appends are single `write(2)` calls on an `O_APPEND` descriptor.
final class Journal: Sendable {
    let path: String
    let user: String
    let host: String

    init(path: String) {
        self.path = path
        user =
            ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
            ?? String(getuid())
        host = ProcessInfo.processInfo.hostName
    }

    /// The default location: `$XDG_STATE_HOME/svctop/journal.jsonl`, or `~/.local/state/svctop/journal.jsonl`.
    static var defaultPath: String { StateDirectory.path + "/journal.jsonl" }

    /// Appends one entry. Returns an error message when the journal cannot be written.
    @discardableResult
    func append(_ entry: JournalEntry) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(entry) else { return "cannot encode journal entry" }
        data.append(0x0a)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot open journal \(path): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return written == data.count ? nil : "short write to journal \(path)"
    }

    func entry(
        target: Target, action: ActionKind, result: String, status: Int? = nil, response: String? = nil,
        durationMs: Int? = nil, extra: [String: String] = [:]
    ) -> JournalEntry {
        var parameters = extra
        if case .setLogLevel(let level) = action { parameters["level"] = level }
        var entry = JournalEntry(
            time: Journal.timestamp(Date()), user: user, host: host, target: target.name, url: target.baseURL,
            action: action.name, parameters: parameters, result: result, status: status, response: response,
            durationMs: durationMs)
        entry.kubernetes = target.kubernetes
        return entry
    }

    static func timestamp(_ date: Date) -> String {
        UTCTime.text(date.timeIntervalSince1970, separator: "T", milliseconds: true)
    }

    /// Reads every entry; lines that are not valid entries are reported by line number.
    static func read(path: String) throws -> (entries: [JournalEntry], bad: [Int]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var entries: [JournalEntry] = []
        var bad: [Int] = []
        let decoder = JSONDecoder()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if let e = try? decoder.decode(JournalEntry.self, from: Data(line.utf8)) {
                entries.append(e)
            } else {
                bad.append(i + 1)
            }
        }
        return (entries, bad)
    }
}
