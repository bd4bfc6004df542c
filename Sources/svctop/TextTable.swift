import Foundation
import SvctopCore

/// `--format text`: the snapshot as an aligned table.
enum TextTable {
    static func render(_ snapshots: [InstanceSnapshot]) -> String {
        let header = [
            "NAME", "UP", "GOROUT", "MEM", "LIMIT", "MEM%", "P50", "P99", "REQ/S", "ERR%", "POOL%", "DB", "LIVE",
            "READY", "DRAIN", "LEVEL", "ERROR",
        ]
        func n(_ v: Double?, _ f: (Double) -> String) -> String { v.map(f) ?? "-" }
        func b(_ v: Bool?) -> String { v.map { $0 ? "yes" : "no" } ?? "-" }
        var rows = [header]
        for s in snapshots {
            rows.append([
                s.name, s.up ? "up" : "down", n(s.goroutines, ByteFormat.count), n(s.memoryBytes, ByteFormat.bytes),
                n(s.memoryLimitBytes, ByteFormat.bytes), n(s.memoryRatio, ByteFormat.percent),
                n(s.latencySeconds.p50, ByteFormat.duration), n(s.latencySeconds.p99, ByteFormat.duration),
                n(s.requestRate, ByteFormat.count), n(s.errorRatio, ByteFormat.percent),
                n(s.pool.utilization, ByteFormat.percent),
                s.dbPool.inUse.map { "\(Int($0))/\(s.dbPool.maxOpen.map { String(Int($0)) } ?? "?")" } ?? "-",
                b(s.health.live), b(s.health.ready), s.health.draining ? "yes" : "no", s.logLevel ?? "-", s.error ?? "",
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
