import Foundation
import SvctopTestSupport
import Testing
@testable import SvctopCore

@Suite("goroutine dumps")
struct GoroutineDumpTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try [UInt8](Data(contentsOf: url))
    }

    /// Counts `goroutine N [` headers in a debug=2 dump, and sums `N @` records in a debug=1 dump.
    static func rawCount(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("goroutine profile:") {
            return text.split(separator: "\n").compactMap { line -> Int? in
                guard let at = line.range(of: " @ ") else { return nil }
                return Int(line[..<at.lowerBound])
            }.reduce(0, +)
        }
        return text.split(separator: "\n").filter { $0.hasPrefix("goroutine ") && $0.hasSuffix(":") }.count
    }

    /// Parses a real capture and checks what holds for every one: the debug level it was taken at, no line
    /// skipped, and the total equal to the raw dump's own count.
    static func parseCapture(_ name: String, debugLevel: Int) throws -> GoroutineDump {
        let bytes = try fixture(name)
        let dump = GoroutineDumpParser.parse(bytes)
        #expect(dump.debugLevel == debugLevel, "\(name)")
        #expect(dump.skippedLines == 0, "\(name)")
        #expect(dump.total == rawCount(bytes), "\(name)")
        return dump
    }

    @Test("a real Go 1.19 debug=2 dump: totals match the raw dump, the leak sites are the top groups")
    func go119debug2() throws {
        let dump = try Self.parseCapture("go1.19-debug2.txt", debugLevel: 2)
        #expect(dump.groups.reduce(0) { $0 + $1.count } == dump.total)
        // The service leaked 300 goroutines at leakSubscriber and 120 at leakWaitingForReply.
        #expect(dump.groups[0].count == 300)
        #expect(dump.groups[0].topApplicationFrame?.function == "main.leakSubscriber")
        #expect(dump.groups[0].stateSummary == "select")
        #expect(
            dump.groups[0].createdBy?.function == "main.(*Handler).ServeHTTP"
                || dump.groups[0].createdBy?.function.hasPrefix("main.") == true)
        #expect(dump.groups[1].count == 120)
        #expect(dump.groups[1].topApplicationFrame?.function == "main.leakWaitingForReply")
        #expect(dump.groups[1].stateSummary == "chan receive")
        // Go 1.19 hides the parking frames: the leak's innermost frame is the service's own.
        #expect(dump.groups[0].frames.first?.isStandardLibrary == false)
        let opener = try #require(
            dump.groups.first { $0.frames.first?.function == "database/sql.(*DB).connectionOpener" })
        #expect(opener.frames.first?.isStandardLibrary == true)
        #expect(opener.topApplicationFrame == nil)
    }

    @Test("a real Go 1.19 debug=1 dump: totals equal the header, states inferred")
    func go119debug1() throws {
        let dump = try Self.parseCapture("go1.19-debug1.txt", debugLevel: 1)
        #expect(dump.total == dump.declaredTotal)
        #expect(dump.groups[0].count == 300)
        #expect(dump.groups[0].topApplicationFrame?.function == "main.leakSubscriber")
        // debug=1 has no states, and this Go version hides the runtime frames they could be inferred from.
        #expect(dump.groups[0].stateSummary == "unknown")
        #expect(
            dump.groups.contains {
                $0.stateSummary == "running" && $0.frames.first?.function.hasPrefix("runtime/pprof") == true
            })
    }

    @Test(
        "real Go 1.21 and 1.23 debug=2 dumps (examples/dumpgen): every site counted, leak first, modern format",
        arguments: ["go1.21", "go1.23"])
    func modernDebug2(version: String) throws {
        let dump = try Self.parseCapture("\(version)-debug2.txt", debugLevel: 2)
        #expect(dump.total == 493)
        #expect(dump.groups.reduce(0) { $0 + $1.count } == dump.total)
        let leak = dump.groups[0]
        #expect(leak.count == 300)
        #expect(leak.stateSummary == "select")
        #expect(leak.topApplicationFrame?.function == "main.(*Watcher).watch")
        #expect(leak.topApplicationFrame?.shortLocation == "main.go:16")
        #expect(leak.createdBy?.function == "main.startWatchers", "created by ... in goroutine 1")
        #expect(leak.createdBy?.line == 27)
        func group(_ function: String) -> GoroutineGroup? {
            dump.groups.first { $0.topApplicationFrame?.function == function }
        }
        #expect(group("main.consume")?.count == 120)
        #expect(group("main.consume")?.stateSummary == "chan receive")
        #expect(group("main.locked")?.count == 50)
        #expect(group("main.locked")?.stateSummary == "sync.Mutex.Lock")
        #expect(group("main.sleeper")?.count == 20)
        #expect(group("main.sleeper")?.stateSummary == "sleep")
        #expect(group("main.pinned")?.lockedToThread == 1)
        let deep = try #require(group("main.deep"))
        #expect(deep.frames.contains { $0.isElided }, "...N frames elided...")
    }

    @Test(
        "real Go 1.21 and 1.23 debug=1 dumps: totals equal the header, the leak site first",
        arguments: ["go1.21", "go1.23"])
    func modernDebug1(version: String) throws {
        let dump = try Self.parseCapture("\(version)-debug1.txt", debugLevel: 1)
        #expect(dump.total == 493)
        #expect(dump.total == dump.declaredTotal)
        #expect(dump.groups[0].count == 300)
        #expect(dump.groups[0].topApplicationFrame?.function == "main.(*Watcher).watch")
        #expect(dump.groups[1].count == 120)
        #expect(dump.groups[1].topApplicationFrame?.function == "main.consume")
        let mutex = try #require(dump.groups.first { $0.topApplicationFrame?.function == "main.locked" })
        #expect(mutex.count == 50)
        #expect(mutex.frames.first?.function == "sync.runtime_SemacquireMutex")
    }

    @Test("the Go 1.21+ format: created by ... in goroutine N, wait times, locked threads, inlined and elided frames")
    func modernFormat() throws {
        let dump = GoroutineDumpParser.parse(try Self.fixture("go1.22-format-debug2.txt"))
        #expect(dump.total == 5)
        #expect(dump.skippedLines == 0)
        let leak = dump.groups[0]
        #expect(leak.count == 2)
        #expect(leak.waitMinutes == 3...5)
        #expect(leak.lockedToThread == 1)
        #expect(leak.createdBy?.function == "github.com/acme/orders/internal/watch.(*OrderWatcher).Subscribe")
        #expect(leak.createdBy?.line == 97)
        #expect(
            leak.topApplicationFrame?.function == "github.com/acme/orders/internal/watch.(*OrderWatcher).watch.func1")
        #expect(leak.topApplicationFrame?.shortLocation == "watcher.go:118")
        #expect(leak.sampleIDs == [18, 19])
        let deep = try #require(dump.groups.first { $0.stateSummary == "chan receive" })
        #expect(deep.frames.last?.isElided == true)
        let waiter = try #require(dump.groups.first { $0.stateSummary == "semacquire" })
        #expect(waiter.waitMinutes == 12...12)
        #expect(waiter.topApplicationFrame?.function == "main.waiter")
    }

    @Test("exact grouping separates argument values that loose grouping merges")
    func groupingModes() throws {
        let bytes = try Self.fixture("go1.22-format-debug2.txt")
        let loose = GoroutineDumpParser.parse(bytes, mode: .loose)
        let exact = GoroutineDumpParser.parse(bytes, mode: .exact)
        #expect(loose.groups.count == 4)
        #expect(exact.groups.count == 5)
        #expect(exact.total == loose.total)
    }

    @Test("comparing two dumps puts the growing group first with its growth per minute")
    func comparison() {
        func dump(leaked: Int) -> GoroutineDump {
            var text = ""
            for i in 0..<(leaked + 3) {
                let leaking = i < leaked
                text += "goroutine \(i + 1) [\(leaking ? "select" : "IO wait")]:\n"
                text +=
                    leaking
                    ? "main.leak(0xc0000\(i))\n\t/app/leak.go:10 +0x1\n" : "main.serve()\n\t/app/serve.go:20 +0x1\n"
                text += "created by main.main in goroutine 1\n\t/app/main.go:5 +0x1\n\n"
            }
            return GoroutineDumpParser.parse(text)
        }
        let deltas = DumpComparison.compare(before: dump(leaked: 100), at: 0, after: dump(leaked: 400), at: 120)
        #expect(deltas[0].group.topApplicationFrame?.function == "main.leak")
        #expect(deltas[0].before == 100 && deltas[0].after == 400)
        #expect(deltas[0].perMinute == 150)
        #expect(deltas[1].growth == 0)
    }

    @Test("truncated, mutated and garbage dumps never crash")
    func neverCrashes() throws {
        let bytes = Array(try Self.fixture("go1.22-format-debug2.txt"))
        for end in stride(from: 0, through: bytes.count, by: 3) {
            let d = GoroutineDumpParser.parse(Array(bytes[0..<end]))
            #expect(d.total >= 0)
        }
        var random = SeededRandom.forFuzzing("goroutine dump")
        let intact = GoroutineDumpParser.parse(bytes)
        for _ in 0..<500 {
            var m = bytes
            for _ in 0..<6 {
                m[Int.random(in: 0..<m.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let mutated = GoroutineDumpParser.parse(m)
            // Six flipped bytes can break at most six goroutine headers (a broken one merges into its neighbour
            // or is skipped); the grouped counts always add up.
            #expect(mutated.groups.reduce(0) { $0 + $1.count } == mutated.total, "\(random.label)")
            #expect(mutated.total <= intact.total + 6, "\(random.label)")
        }
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        let d = GoroutineDumpParser.parse(garbage)
        #expect(d.total == 0, "\(random.label)")
        #expect(GoroutineDumpParser.parse(Array("goroutine profile: total 3\n".utf8)).groups.isEmpty)
    }

    @Test(
        "standard library detection",
        arguments: [
            ("runtime.gopark", "/usr/local/go/src/runtime/proc.go", true),
            ("net/http.(*conn).serve", "/x/server.go", true),
            ("main.main", "/app/main.go", false), ("github.com/acme/x.F", "/src/x.go", false),
            ("internal/poll.(*FD).Read", "/usr/lib/go-1.19/src/internal/poll/fd_unix.go", true),
        ])
    func standardLibrary(function: String, file: String, expected: Bool) {
        #expect(StackFrame(function: function, file: file, line: 1).isStandardLibrary == expected)
    }
}
