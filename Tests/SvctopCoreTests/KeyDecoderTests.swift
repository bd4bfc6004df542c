import SvctopTestSupport
import Testing
@testable import SvctopCore

@Suite("key decoder")
struct KeyDecoderTests {
    @Test(
        "sequences",
        arguments: [
            ([UInt8(ascii: "j")], [Key.char("j")]),
            ([0x1b, 0x5b, 0x41], [.up]), ([0x1b, 0x5b, 0x42], [.down]), ([0x1b, 0x4f, 0x43], [.right]),
            ([0x1b, 0x5b, 0x35, 0x7e], [.pageUp]), ([0x1b, 0x5b, 0x36, 0x7e], [.pageDown]),
            ([0x1b, 0x5b, 0x48], [.home]), ([0x1b, 0x5b, 0x46], [.end]), ([0x1b, 0x5b, 0x31, 0x7e], [.home]),
            ([0x1b, 0x5b, 0x34, 0x7e], [.end]), ([0x1b, 0x4f, 0x50], [.function(1)]), ([0x0d], [.enter]),
            ([0x7f], [.backspace]), ([0x03], [.ctrl("c")]), ([0x1b, 0x5b, 0x5a], [.backTab]),
            ([0x1b, 0x5b, 0x31, 0x3b, 0x35, 0x41], [.up]),
            (Array("é☃".utf8), [.char("é"), .char("☃")]),
            ([UInt8(ascii: "q"), 0x1b, 0x5b, 0x41, UInt8(ascii: "G")], [.char("q"), .up, .char("G")]),
            ([0x1b, 0x1b, UInt8(ascii: "q")], [.escape, .escape, .char("q")]),
        ])
    func decode(bytes: [UInt8], expected: [Key]) {
        var d = KeyDecoder()
        #expect(d.feed(bytes) == expected)
        #expect(!d.hasPending)
    }

    @Test("a lone Esc waits for the quiet time, then is Escape")
    func loneEscape() {
        var d = KeyDecoder()
        #expect(d.feed([0x1b]) == [])
        #expect(d.hasPending)
        #expect(d.flush() == [.escape])
        #expect(!d.hasPending)
    }

    @Test("a sequence split across reads is joined")
    func split() {
        var d = KeyDecoder()
        #expect(d.feed([0x1b, 0x5b]) == [])
        #expect(d.feed([0x36]) == [])
        #expect(d.feed([0x7e]) == [.pageDown])
        #expect(d.feed([0xe2, 0x98]) == [])
        #expect(d.feed([0x83]) == [.char("☃")])
    }

    @Test("random bytes never crash and always drain")
    func fuzz() {
        var random = SeededRandom.forFuzzing("key decoder")
        for _ in 0..<3000 {
            var d = KeyDecoder()
            let n = Int.random(in: 0..<24, using: &random)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = d.feed(bytes)
            _ = d.flush()
            #expect(!d.hasPending, "\(random.label): \(bytes)")
        }
    }

    @Test("key names from the config")
    func names() {
        #expect(Key.named("Ctrl-d") == .ctrl("d"))
        #expect(Key.named("PgDn") == .pageDown)
        #expect(Key.named("F5") == .function(5))
        #expect(Key.named("x") == .char("x"))
        #expect(Key.named("Space") == .char(" "))
        #expect(Key.named("nonsense") == nil)
    }
}
