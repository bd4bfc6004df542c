import ArgumentParser
import Foundation

/// `svctop journal`: the audit journal as a readable table.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Print the audit journal of log-level, drain and undrain actions.")

    @Option(name: .long, help: "Journal file (default $XDG_STATE_HOME/svctop/journal.jsonl).")
    var file: String?

    @Option(name: .long, help: "Only the last N entries.")
    var last: Int?

    func run() throws {
        let path = file ?? Journal.defaultPath
        guard FileManager.default.fileExists(atPath: path) else {
            print("no journal at \(path) (no action was taken yet)")
            return
        }
        let (all, bad) = try Journal.read(path: path)
        let entries = last.map { Array(all.suffix($0)) } ?? all
        let header = ["TIME", "USER@HOST", "TARGET", "ACTION", "PARAMETERS", "RESULT", "STATUS", "MS", "RESPONSE"]
        var rows = [header]
        for e in entries {
            let params = e.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            rows.append([
                e.time, "\(e.user)@\(e.host)", "\(e.target) \(e.url)", e.action, params, e.result,
                e.status.map(String.init) ?? "-", e.durationMs.map(String.init) ?? "-",
                String((e.response ?? "").replacingOccurrences(of: "\n", with: " ").prefix(60)),
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            print(
                row.enumerated().map { c, cell in
                    c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                }
                .joined(separator: "  "))
        }
        if !bad.isEmpty {
            Output.error(
                "svctop: \(bad.count) journal line(s) could not be read: \(bad.prefix(10).map(String.init).joined(separator: ", "))"
            )
        }
    }
}
