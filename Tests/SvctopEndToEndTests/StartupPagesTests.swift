import Foundation
import Testing

@testable import svctop

@Suite("start-up pages given back")
struct StartupPagesTests {
    /// The file-backed part of this process's RSS, in KiB.
    func residentFileKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    @Test("the executable's read-only mappings are advised and the file-backed RSS drops")
    func release() throws {
        let before = try residentFileKiB()
        guard let advised = StartupPages.release() else {
            // A kernel before 5.4 has no MADV_PAGEOUT: nothing is released, and nothing fails.
            return
        }
        // This test binary's code alone is megabytes.
        #expect(advised > 1 << 20)
        let after = try residentFileKiB()
        #expect(after < before, "RssFile \(before) KiB before, \(after) KiB after")
        // The code still runs: pages fault back in as they are touched.
        #expect(try residentFileKiB() > 0)
    }
}
