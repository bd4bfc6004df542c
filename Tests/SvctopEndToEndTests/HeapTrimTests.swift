import Foundation
import Testing

@testable import svctop

@Suite("heap arenas trimmed")
struct HeapTrimTests {
    @Test("memory freed inside an arena, under blocks still held, goes back to the kernel when trimmed")
    func trimmed() throws {
        // 64 MiB in 256-byte blocks, written so every page is resident; one block in 64 kept, so the arena's top
        // stays in use and the allocator cannot shrink it on its own.
        let count = 256 * 1024
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            let block = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 1, count: 256)
            blocks.append(block)
        }
        var kept: [UnsafeMutableRawPointer] = []
        for (i, block) in blocks.enumerated() {
            if i % 64 == 0 { kept.append(block) } else { block.deallocate() }
        }
        blocks = []
        let before = try ProcessStatus.kib("RssAnon")
        #expect(HeapTrim.trim(), "the trim gave memory back")
        let after = try ProcessStatus.kib("RssAnon")
        for block in kept { block.deallocate() }
        // 63 of every 64 blocks are free: most of 64 MiB, well over 32 MiB, is given back.
        #expect(before - after > 32 * 1024, "RssAnon \(before) KiB before, \(after) KiB after")
    }
}
