import Foundation
import Testing

/// This test process's figures from /proc/self/status.
enum ProcessStatus {
    /// A field counted in KiB (`RssFile`, `RssAnon`, `VmRSS`, …).
    static func kib(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
