import Foundation
import SvctopCore

/// The `--once` snapshot of a state, as JSON or as a text table (live `--once` and `replay --once` alike).
enum SnapshotOutput {
    static func render(_ state: AppState, format: OutputFormat) -> String {
        let snapshots = state.instances.map(InstanceSnapshot.init)
        switch format {
        case .json: return json(snapshots)
        case .text: return TextTable.render(snapshots)
        }
    }

    static func json(_ snapshots: [InstanceSnapshot]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(snapshots)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
