import Foundation
import SvctopCore
import SvctopRender
import SvctopTestSupport
import Testing

/// Whole-app flows through `AppHarness`: keys, clock and engine batches in; screens out, compared with goldens
/// (Goldens/flow-*.txt, regenerated with SVCTOP_UPDATE_GOLDENS=1).
@Suite("app flows")
struct AppFlowTests {
    static func exposition(goroutines: Double) -> String {
        "go_goroutines \(goroutines)\ngo_threads 9\nprocess_resident_memory_bytes 2e8\ngo_gc_gomemlimit_bytes 1e9\n"
    }

    /// Three instances scraped for a minute; `orders-b` is opened and its dump fetched.
    static func dumpOpened() -> AppHarness {
        var app = AppHarness(names: ["orders-a", "orders-b", "orders-c"])
        app.cannedDumps = [FaultServer.largeDump(goroutines: 100), FaultServer.largeDump(goroutines: 160)]
        for _ in 0..<60 {
            app.scrape { exposition(goroutines: $0 == 1 ? 100 : 40) }
            app.advance(1)
        }
        app.press(.char("j"))
        app.press(.enter)
        app.press(.char("g"))
        return app
    }

    @Test("g opens the dump grouped by stack, largest group first; Enter expands it")
    func dumpView() throws {
        var app = Self.dumpOpened()
        #expect(app.state.view == .dump)
        let screen = app.screen
        #expect(screen.contains("orders-b"))
        let watcher = try #require(screen.range(of: "watch.(*Watcher).loop"))
        let worker = try #require(screen.range(of: "pool.worker"))
        #expect(watcher.lowerBound < worker.lowerBound, "the 80-goroutine group comes first:\n\(screen)")
        try ScreenGoldenTests.check("flow-dump-120x40", app.buffer)
        app.press(.enter)
        #expect(app.screen.contains("/src/shop/watch/watch.go:88"), "expanded group shows its frames:\n\(app.screen)")
        try ScreenGoldenTests.check("flow-dump-expanded-120x40", app.buffer)
    }

    @Test("/ searches functions, n and N move between matches, Esc clears the search")
    func search() throws {
        var app = Self.dumpOpened()
        app.press(.char("/"))
        app.type("pool")
        #expect(app.state.dumpView?.isEditingSearch == true)
        app.press(.enter)
        #expect(app.state.dumpView?.matches == [1])
        #expect(app.state.dumpView?.cursor == 1, "the cursor jumps to the first match")
        try ScreenGoldenTests.check("flow-dump-search-120x40", app.buffer)
        app.press(.char("n"))
        #expect(app.state.dumpView?.cursor == 1, "one match: n stays on it")
        app.press(.char("/"))
        app.press(.escape)
        #expect(app.state.dumpView?.search == "" && app.state.dumpView?.matches == [])
        app.press(.char("/"))
        app.type("nothing-like-this")
        app.press(.enter)
        app.press(.char("n"))
        #expect(app.screen.contains("no match for \"nothing-like-this\""))
    }

    @Test("m regroups exactly and back; the status line says how many groups")
    func regroup() throws {
        var app = Self.dumpOpened()
        app.press(.char("m"))
        #expect(app.state.dumpView?.dump.mode == .exact)
        #expect(app.screen.contains("grouping: exact"))
        try ScreenGoldenTests.check("flow-dump-exact-120x40", app.buffer)
        app.press(.char("m"))
        #expect(app.state.dumpView?.dump.mode == .loose)
    }

    @Test("a second dump a minute later, compared with c, shows each group's growth")
    func compare() throws {
        var app = Self.dumpOpened()
        app.press(.char("c"))
        #expect(app.screen.contains("no earlier dump to compare with"))
        app.press(.escape)
        for _ in 0..<60 {
            app.scrape { Self.exposition(goroutines: $0 == 1 ? 160 : 40) }
            app.advance(1)
        }
        app.press(.char("g"))
        app.press(.char("c"))
        let comparison = try #require(app.state.dumpView?.comparison)
        let watcher = try #require(comparison.first)
        #expect(watcher.after == 128 && watcher.before == 80 && watcher.perMinute == 48, "\(watcher)")
        #expect(app.screen.contains("dump taken 1m earlier"))
        try ScreenGoldenTests.check("flow-dump-compare-120x40", app.buffer)
        app.press(.char("c"))
        #expect(app.state.dumpView?.comparison == nil, "c again leaves the comparison")
    }
}
