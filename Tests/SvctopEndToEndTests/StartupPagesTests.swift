import Foundation
import Testing

@testable import svctop

@Suite("start-up pages given back")
struct StartupPagesTests {
    @Test("the executable's read-only mappings are advised and the file-backed RSS drops")
    func release() throws {
        let before = try ProcessStatus.kib("RssFile")
        guard let advised = StartupPages.release() else {
            // A kernel before 5.4 has no MADV_PAGEOUT: nothing is released, and nothing fails.
            return
        }
        // This test binary's code alone is megabytes.
        #expect(advised > 1 << 20)
        let after = try ProcessStatus.kib("RssFile")
        #expect(after < before, "RssFile \(before) KiB before, \(after) KiB after")
        // The code still runs: pages fault back in as they are touched.
        #expect(try ProcessStatus.kib("RssFile") > 0)
    }
}
