import SvctopCore
import SvctopRender
import Testing

/// Profiles built the way SvctopPprof builds them, from stacks of names (leaf first).
enum Profiles {
    static func make(
        _ kind: PprofKind, types: [(String, String)], duration: Double = 0, _ samples: [([String], [Int64])]
    ) -> PprofProfile {
        var b = PprofProfile.Builder(
            kind: kind, sampleTypes: types.map { PprofSampleType(name: $0.0, unit: $0.1) })
        for (stack, values) in samples {
            b.add(stack: stack.map { b.function(name: $0, file: "/src/\($0).go") }, values: values)
        }
        return b.build(defaultSampleType: nil, durationSeconds: duration)
    }

    /// 5 s of CPU: main.burnCPU burns most of it under main.worker; the runtime does the rest.
    static let cpu = make(
        .cpu, types: [("samples", "count"), ("cpu", "nanoseconds")], duration: 5,
        [
            (["main.burnCPU", "main.worker", "runtime.goexit"], [90, 900_000_000]),
            (["main.hash", "main.burnCPU", "main.worker", "runtime.goexit"], [10, 100_000_000]),
            (["runtime.futex", "runtime.findRunnable", "runtime.schedule"], [5, 50_000_000]),
            (["encoding/json.Marshal", "main.handle", "net/http.(*conn).serve"], [20, 200_000_000]),
        ])

    /// A heap where main.retainCache keeps `retained` bytes and main.churn holds a little garbage.
    static func heap(retained: Int64, churn: Int64) -> PprofProfile {
        make(
            .heap,
            types: [
                ("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"),
                ("inuse_space", "bytes"),
            ],
            [
                (["main.retainCache", "main.main"], [retained / 65536, retained, retained / 65536, retained]),
                (["main.churn", "main.main"], [churn * 50 / 16384, churn * 50, churn / 16384, churn]),
                (["runtime.malg", "runtime.newproc1"], [10, 524_288, 10, 524_288]),
            ])
    }
}

@Suite("profiles in the terminal: CPU and heap, top, peek, compare, errors")
struct ProfileFlowTests {
    func rows(_ screen: String, containing text: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    @Test("p asks first (length adjustable), shows progress while the dashboard runs, then the top functions")
    func cpuProfile() throws {
        var h = AppHarness(names: ["api", "db"])
        h.press(.char("p"))
        #expect(h.screen.contains("Take a CPU profile of api?"))
        #expect(h.screen.contains("Length: 10s"))
        h.press(.char("+"))
        #expect(h.screen.contains("Length: 15s"))
        h.press(.char("-"))
        h.press(.char("-"))
        #expect(h.screen.contains("Length: 5s"))
        h.press(.char("x"))
        #expect(h.state.dialog == nil && h.state.loadingProfile == nil, "any other key cancels")
        #expect(h.unperformed.isEmpty)

        h.press(.char("p"))
        h.press(.char("-"))
        h.press(.char("y"))
        #expect(h.unperformed == [.fetchProfile(0, kind: .cpu, seconds: 5)])
        h.advance(3)
        #expect(h.screen.contains("CPU profile of api: 3s of 5s…"))
        // The dashboard keeps working meanwhile.
        h.press(.down)
        #expect(h.state.selected == 1)
        h.send(.profileLoaded(0, raw: [1], profile: Profiles.cpu, fetchedAt: h.now))
        let screen = h.screen
        #expect(screen.contains("CPU profile of api"))
        #expect(screen.contains("5s · 0s ago · cpu (nanoseconds) · total 1.3s = 25.00% of one core"), "\(screen)")
        #expect(screen.contains("FLAT   FLAT%    SUM%      CUM    CUM%  FUNCTION"), "\(screen)")
        let top = rows(screen, containing: "main.burnCPU")
        #expect(top.first?.contains("900ms  72.00%  72.00%     1.0s  80.00%  main.burnCPU") == true, "\(screen)")
        #expect(rows(screen, containing: "runtime.futex").first?.contains("50ms   4.00%") == true)
        #expect(h.state.loadingProfile == nil)
        #expect(!screen.contains("CPU profile of api:"), "progress gone")
    }

    @Test("Enter shows callers and callees; Enter on one follows it; Esc goes back one step at a time")
    func peek() throws {
        var h = AppHarness(names: ["api"])
        h.cannedProfiles = [Profiles.cpu]
        h.press(.char("p"))
        h.press(.char("y"))
        #expect(h.state.view == .pprof)
        h.press(.enter)  // main.burnCPU, the top row
        var screen = h.screen
        #expect(
            screen.contains("flat 900ms, cum 1.0s · main.burnCPU"), "\(screen)")
        #expect(rows(screen, containing: "↑ main.worker").first?.contains("1.0s") == true, "\(screen)")
        #expect(rows(screen, containing: "↓ main.hash").first?.contains("100ms   10.00%") == true, "\(screen)")
        #expect(rows(screen, containing: "▶ main.burnCPU").count == 1)
        h.press(.down)  // to the callee
        h.press(.enter)
        screen = h.screen
        #expect(screen.contains("flat 100ms, cum 100ms · main.hash"), "\(screen)")
        h.press(.escape)
        #expect(h.screen.contains("cum 1.0s · main.burnCPU"))
        h.press(.escape)
        #expect(h.screen.contains("FLAT%"))
        #expect(h.state.pprofView?.cursor == 0)
        h.press(.escape)
        #expect(h.state.view == .instance(0) || h.state.view == .fleet)
    }

    @Test("o sorts by cum, / searches, s saves the raw profile; heap profiles switch sample type with i")
    func orderSearchSaveAndTypes() throws {
        var h = AppHarness(names: ["api"])
        h.cannedProfiles = [Profiles.cpu, Profiles.heap(retained: 40 << 20, churn: 2 << 20)]
        h.press(.char("p"))
        h.press(.char("y"))
        h.press(.char("o"))
        var screen = h.screen
        #expect(screen.contains("by cum"))
        // Equal cum values sort by name, as pprof -top -cum does.
        let top3 = screen.split(separator: "\n").dropFirst(3).prefix(3).map(String.init)
        #expect(top3.map { $0.contains("1.0s  80.00%") } == [true, true, true], "\(screen)")
        #expect(top3.map { $0.split(separator: " ").last ?? "" } == ["main.burnCPU", "main.worker", "runtime.goexit"])
        h.press(.char("/"))
        h.type("json")
        screen = h.screen
        #expect(screen.contains("/json_  1 functions match"), "\(screen)")
        h.press(.enter)
        #expect(
            h.state.pprofView.map { $0.table.rows[$0.cursor].function }
                == h.state.pprofView?.profile.functions.firstIndex { $0.name == "encoding/json.Marshal" })
        h.press(.char("s"))
        #expect(h.unperformed.last == .saveProfile(0, kind: .cpu, fetchedAt: h.now, raw: [0x1f, 0x8b]))
        h.send(.profileSaved(path: "/tmp/x/cpu-api.pb.gz", error: nil))
        #expect(h.screen.contains("saved profile to /tmp/x/cpu-api.pb.gz (go tool pprof opens it)"))

        h.press(.escape)
        h.press(.escape)
        h.press(.char("H"))
        screen = h.screen
        #expect(screen.contains("heap profile of api"), "\(screen)")
        #expect(screen.contains("inuse_space (bytes)"))
        #expect(rows(screen, containing: "main.retainCache").first?.contains("40.0Mi") == true, "\(screen)")
        h.press(.char("i"))
        #expect(h.screen.contains("alloc_objects (count)"))
        h.press(.char("i"))
        #expect(h.screen.contains("alloc_space (bytes)"))
        #expect(rows(h.screen, containing: "main.churn").first?.contains("100Mi") == true, "\(h.screen)")
    }

    @Test("c compares with the previous heap profile: the function that keeps memory ranks first, per minute")
    func heapComparison() throws {
        var h = AppHarness(names: ["api"])
        h.cannedProfiles = [
            Profiles.heap(retained: 10 << 20, churn: 6 << 20), Profiles.heap(retained: 70 << 20, churn: 3 << 20),
        ]
        h.press(.char("H"))
        h.press(.char("c"))
        #expect(h.screen.contains("no earlier heap profile of api to compare with: press H again later"))
        h.press(.escape)
        h.advance(60)
        h.press(.char("H"))
        h.press(.char("c"))
        let screen = h.screen
        #expect(
            screen.contains("vs the heap profile of 1m earlier · inuse_space flat · growth per minute"), "\(screen)")
        let lines = screen.split(separator: "\n").map(String.init)
        let first = try #require(lines.dropFirst(3).first)
        #expect(first.contains("10.0Mi") && first.contains("70.0Mi") && first.contains("+60.0Mi"), "\(screen)")
        #expect(first.contains("main.retainCache"), "\(screen)")
        #expect(rows(screen, containing: "main.churn").first?.contains("-3.0Mi") == true, "\(screen)")
        h.press(.char("c"))
        #expect(h.screen.contains("FLAT%"), "c again: back to the list")
    }

    @Test(
        "the server's message and what to do, for 400, 500 and 404",
        arguments: [
            (
                400, "profile duration exceeds server's WriteTimeout",
                "HTTP 400: profile duration exceeds server's WriteTimeout. The profile is longer"
            ),
            (
                500, "Could not enable CPU profiling: cpu profiling already in use",
                "HTTP 500: Could not enable CPU profiling: cpu profiling already in use. Another CPU profile"
            ),
            (404, "404 page not found", "HTTP 404: 404 page not found. pprof is not mounted at /debug/pprof/profile"),
        ])
    func errors(status: Int, message: String, shown: String) throws {
        var h = AppHarness(names: ["api"], width: 200)
        h.press(.char("p"))
        h.press(.char("y"))
        h.send(.profileFailed(0, .cpu, .fetch(.httpStatus(status, message))))
        #expect(h.screen.contains("CPU profile of api failed: " + shown), "\(h.screen)")
        #expect(h.state.loadingProfile == nil)
    }

    @Test("a profile over the size cap is refused with the cap and the setting that raises it")
    func tooLarge() throws {
        var h = AppHarness(names: ["api"], width: 160)
        h.press(.char("H"))
        #expect(h.unperformed == [.fetchProfile(0, kind: .heap, seconds: 0)], "H needs no confirmation")
        h.send(.profileFailed(0, .heap, .fetch(.sizeCap(64 << 20))))
        #expect(
            h.screen.contains(
                "heap profile of api failed: larger than the 64.0Mi cap (setting defaults.profile.max_size)"),
            "\(h.screen)")
    }

    @Test(
        "goldens: the CPU profile's top list and a peek, the heap comparison, and the dialog, at 80x24 and 120x40",
        arguments: [(80, 24), (120, 40)])
    func goldens(width: Int, height: Int) throws {
        let size = "\(width)x\(height)"
        var h = AppHarness(names: ["checkout-a", "orders-b"], width: width, height: height)
        h.cannedProfiles = [
            Profiles.cpu, Profiles.heap(retained: 10 << 20, churn: 6 << 20),
            Profiles.heap(retained: 70 << 20, churn: 3 << 20),
        ]
        h.press(.char("p"))
        try ScreenGoldenTests.check("pprof-dialog-\(size)", h.buffer)
        h.press(.char("y"))
        try ScreenGoldenTests.check("pprof-cpu-\(size)", h.buffer)
        h.press(.enter)
        try ScreenGoldenTests.check("pprof-peek-\(size)", h.buffer)
        h.press(.escape)
        h.press(.escape)
        h.press(.char("H"))
        h.press(.escape)
        h.advance(60)
        h.press(.char("H"))
        h.press(.char("c"))
        try ScreenGoldenTests.check("pprof-heap-compare-\(size)", h.buffer)
    }

    @Test("read-only mode keeps profiles: they change nothing on the service")
    func readOnly() throws {
        var settings = Settings()
        settings.isReadOnly = true
        let state = AppState(targets: [Target(name: "api", baseURL: "http://127.0.0.1:1")], settings: settings, now: 0)
        #expect(state.keyMap.action(for: .char("p"), in: .instance) == .cpuProfile)
        #expect(state.keyMap.action(for: .char("H"), in: .fleet) == .heapProfile)
        #expect(state.keyMap.action(for: .char("y"), in: .profileDialog) == .confirm)
    }
}
