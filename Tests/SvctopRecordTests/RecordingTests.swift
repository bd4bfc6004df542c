import Foundation
import SvctopCore
import SvctopRender
import SvctopTestSupport
import Testing

@testable import SvctopRecord

/// A live run made of real reductions: two instances, one leaking goroutines and growing memory towards its limit,
/// scraped every second with a latency histogram per handler, probed, with a failure, a dump and a drain.
struct LiveRun {
    var state: AppState
    var writer: RecordingWriter
    let path: String
    let start = 1_800_000_000.0
    var screens: [Double: [String]] = [:]
    let renderer = Renderer(theme: .monochrome, glyphs: .ascii)

    init(targets: [Target] = LiveRun.targets) throws {
        path = Scratch.file("rec", suffix: ".svrec")
        state = AppState(targets: targets, settings: Settings(), now: start)
        _ = state.reduce(.resized(width: 120, height: 40), now: start)
        writer = try RecordingWriter(
            path: path, header: RecordingHeader(startedAt: start, host: "test", settings: Settings(), targets: targets))
    }

    static let targets = [
        Target(name: "api-a", baseURL: "http://127.0.0.1:1"), Target(name: "api-b", baseURL: "http://127.0.0.1:2"),
    ]

    static func exposition(second t: Int, leaking: Bool) -> String {
        let goroutines = leaking ? 100 + t * 3 : 90 + t % 3
        let memory = leaking ? 100_000_000 + t * 2_000_000 : 80_000_000 + (t % 5) * 1000
        var text = """
            # TYPE go_goroutines gauge
            go_goroutines \(goroutines)
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes \(memory)
            # TYPE go_gc_gomemlimit_bytes gauge
            go_gc_gomemlimit_bytes 1000000000
            # TYPE http_request_duration_seconds histogram

            """
        for handler in ["/checkout", "/cart"] {
            var cumulative = 0
            for (i, le) in ["0.01", "0.05", "0.25", "1", "+Inf"].enumerated() {
                cumulative += (t * (i + 1) * 7) % 50 + t * 10
                text +=
                    "http_request_duration_seconds_bucket{handler=\"\(handler)\",code=\"200\",le=\"\(le)\"} \(cumulative)\n"
            }
            text += "http_request_duration_seconds_count{handler=\"\(handler)\",code=\"200\"} \(cumulative)\n"
            text +=
                "http_request_duration_seconds_sum{handler=\"\(handler)\",code=\"200\"} \(Double(cumulative) * 0.03)\n"
        }
        return text
    }

    /// Reduces one event as the dashboard does, then records it as the dashboard does.
    mutating func live(_ event: Event, at time: Double) {
        _ = state.reduce(event, now: time)
        writer.record(event, time: time, state: state)
    }

    mutating func run(seconds: Int, screenEvery: Int = 0) {
        for t in 0..<seconds {
            let time = start + Double(t)
            for id in 0..<2 {
                if id == 1 && t == 7 {
                    live(.scrapeCompleted(id, .failure(.timeout, duration: 0.8)), at: time + 0.01)
                    continue
                }
                let metrics = MetricSet.parse(LiveRun.exposition(second: t, leaking: id == 0))
                live(.scrapeCompleted(id, .success(metrics, duration: 0.002)), at: time + 0.01 * Double(id + 1))
                live(
                    .probeCompleted(
                        id, .readiness, ProbeResult(isPassing: t < 40 || id == 0, status: 200, detail: "ok")),
                    at: time + 0.03)
            }
            if t == 20 {
                let dump = "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1\n"
                live(
                    .dumpLoaded(
                        0, debugLevel: 2, raw: Array(dump.utf8), dump: GoroutineDumpParser.parse(dump),
                        fetchedAt: time + 0.5), at: time + 0.5)
                _ = state.reduce(.keyPressed(.escape), now: time + 0.5)
            }
            if t == 30 { live(.actionCompleted(1, .drain, .succeeded(status: 200, body: "draining")), at: time + 0.6) }
            live(.ticked, at: time + 0.9)
            writer.flushIfDue(now: time + 0.9)
            if screenEvery > 0, t % screenEvery == 0 { screens[time + 0.9] = renderer.render(state).lines() }
        }
    }
}

@Suite struct RecordingTests {
    @Test func crc32OfTheStandardCheckString() { #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926) }

    @Test("readings survive the delta encoding exactly, in and across blocks")
    func readingsRoundTrip() throws {
        var live = try LiveRun()
        live.run(seconds: 150)
        live.writer.close(now: live.start + 150)
        var recording = try Recording.read(path: live.path)
        #expect(recording.damage == nil)
        #expect(recording.blocks.count >= 3, "a block per minute")
        let entries = recording.decodeAll()
        let readings = entries.compactMap { e -> Reading? in
            if case .event(.scrapeCompleted(0, .read(let r, _, _, _))) = e.recorded { return r }
            return nil
        }
        #expect(readings.count == 150)
        #expect(readings.last == live.state.instances[0].reading)
        #expect(readings.last?.histogram?.bucketsByHandler["/cart"]?[0.25] != nil)
    }

    @Test("the replayed screen at a recorded moment is the live screen at that moment")
    func replayMatchesLive() throws {
        var live = try LiveRun()
        live.run(seconds: 130, screenEvery: 10)
        live.writer.close(now: live.start + 130)
        let recording = try Recording.read(path: live.path)
        // A checkpoint every 40 entries (about 13 recorded seconds here), so jumps restore them.
        var player = ReplayPlayer(recording: recording, width: 120, height: 40, checkpointSpacing: 40)
        let renderer = Renderer(theme: .monochrome, glyphs: .ascii)
        for time in live.screens.keys.sorted() {
            player.advance(to: time)
            let replayed = renderer.render(player.state).lines()
            let expected = live.screens[time]!
            // The status bar differs by design (REPLAY and the recorded time); every other line is the same.
            #expect(Array(replayed.dropLast()) == Array(expected.dropLast()), "at +\(Int(time - live.start))s")
            #expect(replayed.last?.contains("REPLAY 2027-01-15") == true)
        }
        #expect(live.state.instances[0].isLeakSuspected, "the run shows a leak warning")
        // Jumping back to a moment gives the same screen as reaching it forward.
        #expect(player.checkpointCount >= 8)
        let moments = live.screens.keys.sorted()
        // Back to a moment, then forward past several checkpoints, then back again: each gives the screen that
        // reaching it forward gave.
        for index in [4, 11, 2, 12, 7] {
            player.seek(to: moments[index])
            #expect(
                Array(renderer.render(player.state).lines().dropLast())
                    == Array(live.screens[moments[index]]!.dropLast()),
                "after a jump to +\(Int(moments[index] - live.start))s")
        }
    }

    @Test("the next warning is where the live run first warned")
    func nextWarning() throws {
        var live = try LiveRun()
        var firstLeak: Double?
        for t in 0..<120 {
            live.run(seconds: 0)
            let time = live.start + Double(t)
            let metrics = MetricSet.parse(LiveRun.exposition(second: t, leaking: true))
            live.live(.scrapeCompleted(0, .success(metrics, duration: 0.002)), at: time)
            live.live(.ticked, at: time + 0.5)
            if firstLeak == nil, live.state.instances[0].reasons.contains(where: ReplayPlayer.isWarning) {
                firstLeak = time
            }
        }
        live.writer.close(now: live.start + 120)
        let leak = try #require(firstLeak)
        var player = ReplayPlayer(recording: try Recording.read(path: live.path))
        let found = player.advanceToNextWarning()
        #expect(found)
        #expect(player.position == leak)
    }

    @Test("a file cut anywhere, or with its tail flipped, replays up to the damage and says where it stopped")
    func damagedTail() throws {
        var live = try LiveRun()
        live.run(seconds: 100)
        live.writer.close(now: live.start + 100)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: live.path)))
        let whole = try Recording.parse(bytes)
        var random = SeededRandom.forFuzzing("recording-tail")
        for _ in 0..<40 {
            let cut = Int.random(in: (bytes.count / 2)..<bytes.count, using: &random)
            var damaged = try Recording.parse(Array(bytes[0..<cut]))
            if damaged.damage == nil {
                // Cut exactly between two chunks: a shorter whole file; one byte more is a cut chunk.
                #expect(try Recording.parse(Array(bytes[0...cut])).damage?.contains("stopped at byte") == true)
            } else {
                #expect(damaged.damage?.contains("stopped at byte") == true)
            }
            let entries = damaged.decodeAll()
            let total = whole.blocks.reduce(0) { $0 + $1.records }
            #expect(entries.count > 0)
            #expect(entries.count < total)
            var flipped = bytes
            let at = Int.random(in: cut..<bytes.count, using: &random)
            flipped[at] ^= 0x5a
            var corrupt = try Recording.parse(flipped)
            _ = corrupt.decodeAll()
            #expect(corrupt.damage != nil, "a flipped byte at \(at) went unnoticed")
        }
    }

    @Test("what was written is on disk each second without closing (kill -9 loses at most the last second)")
    func crashSafe() throws {
        var live = try LiveRun()
        live.run(seconds: 30)
        // No close: the process died. Everything up to the last flushed second is there.
        var recording = try Recording.read(path: live.path)
        #expect(recording.damage == nil)
        let entries = recording.decodeAll()
        let ticks = entries.filter { entry in
            if case .event(.ticked) = entry.recorded { return true }
            return false
        }
        #expect(ticks.count >= 29)
    }

    @Test("no credential reaches the file: user:password and queries are stripped from addresses")
    func noSecrets() throws {
        var options = TransportOptions()
        options.headers = [TransportOptions.Header("Authorization", "Bearer tok-abc")]
        options.bearerToken = Secret("tok-abc")
        let target = Target(
            name: "secret", baseURL: "https://alice:hunter2@api.internal:8443/base?token=s3cr3t", transport: options)
        var live = try LiveRun(targets: [target, LiveRun.targets[1]])
        live.run(seconds: 3)
        live.writer.close(now: live.start + 3)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: live.path)), as: UTF8.self)
        for secret in ["hunter2", "alice", "s3cr3t", "tok-abc", "Bearer"] { #expect(!text.contains(secret)) }
        #expect(text.contains("api.internal:8443"))
    }

    @Test("a source's latency by handler survives the record: names, figures and unknowns")
    func sourceHandlersRoundTrip() throws {
        let handlers = SourceHandlers(
            key: "10.0.0.7:8080", time: 1_800_000_123.25,
            handlers: [
                HandlerLatency(
                    handler: "/api/search", summary: LatencySummary(p50: 0.03, p99: 0.4, rate: 30, errorRatio: 0.2)),
                HandlerLatency(handler: "/api/idle", summary: LatencySummary()),
            ])
        var sink = ByteSink()
        var encoder = RecordCodec()
        let state = AppState(targets: [], settings: Settings(), now: 1_800_000_000)
        #expect(encoder.encode(.sourceHandlersLoaded(handlers), time: 1_800_000_123.5, state: state, to: &sink))
        var source = ByteSource(sink.bytes)
        var decoder = RecordCodec()
        let entry = try decoder.decode(from: &source)
        #expect(entry.time == 1_800_000_123.5 && source.isAtEnd)
        guard case .event(.sourceHandlersLoaded(let back)) = entry.recorded else {
            Issue.record("decoded as \(entry.recorded)")
            return
        }
        #expect(back == handlers)
    }

    @Test func tarRoundTrip() throws {
        let files = [
            TarArchive.File(name: "a/recording.svrec", bytes: Array(repeating: 7, count: 1300), modified: 1),
            TarArchive.File(name: "a/README.txt", bytes: Array("hello\n".utf8), modified: 2),
        ]
        #expect(try TarArchive.gunzip(TarArchive.gzip(files)) == files)
    }

    @Test func jumpTimes() {
        let position: Double = 1_800_000_000 + 52_325  // 22:32:05 UTC that day
        let day = (position / 86_400).rounded(.down) * 86_400
        #expect(ReplayPlayer.time("14:40", position: position, start: 0) == day + 50_400 + 2400)
        #expect(ReplayPlayer.time("+5m", position: position, start: 0) == position + 300)
        #expect(ReplayPlayer.time("-30s", position: position, start: 0) == position - 30)
        #expect(ReplayPlayer.time("25:00", position: position, start: 0) == nil)
        #expect(ReplayStatus.clock(0) == "1970-01-01 00:00:00Z")
        #expect(ReplayStatus.clock(1_800_000_000) == "2027-01-15 08:00:00Z")
    }

    @Test("a Kubernetes run replays: pods appear, one is deleted and replaced by a new UID, the watch's error shows")
    func kubernetesReplay() throws {
        let start = 1_800_000_000.0
        let k8s = KubernetesState(
            context: "prod", namespace: "shop", selection: "-l app=api", proxy: "http://127.0.0.1:8001", goneGrace: 60)
        var state = AppState(targets: [], settings: Settings(), now: start)
        state.kubernetes = k8s
        _ = state.reduce(.resized(width: 120, height: 40), now: start)
        let path = Scratch.file("k8s", suffix: ".svrec")
        var header = RecordingHeader(startedAt: start, host: "test", settings: Settings(), targets: [])
        header.kubernetes = k8s
        let writer = try RecordingWriter(path: path, header: header)
        let renderer = Renderer(theme: .monochrome, glyphs: .ascii)
        func pod(_ name: String, _ uid: String, restarts: Int = 0, termination: PodTermination? = nil) -> Pod {
            Pod(
                namespace: "shop", name: name, uid: uid, restarts: restarts, lastTermination: termination,
                memoryLimit: 1e9, metrics: PodEndpoint(port: 9090, path: "/metrics"))
        }
        func live(_ event: Event, _ t: Double) {
            _ = state.reduce(event, now: start + t)
            writer.record(event, time: start + t, state: state)
        }
        var screens: [Double: [String]] = [:]
        live(.podsChanged(.listed([pod("api-0", "u0"), pod("api-1", "u1")], scope: "-l app=api")), 0.1)
        for t in 0..<30 {
            for id in state.instances.indices where state.instances[id].podGoneAt == nil {
                let metrics = MetricSet.parse(LiveRun.exposition(second: t, leaking: id == 0))
                live(.scrapeCompleted(id, .success(metrics, duration: 0.002)), Double(t) + 0.2)
            }
            if t == 10 { live(.podsChanged(.deleted(pod("api-0", "u0"), scope: "-l app=api")), Double(t) + 0.5) }
            if t == 11 {
                let oom = PodTermination(reason: "OOMKilled", exitCode: 137, finishedAt: start + 10)
                live(
                    .podsChanged(.updated(pod("api-0", "u2", restarts: 1, termination: oom), scope: "-l app=api")), 11.5
                )
            }
            if t == 20 { live(.kubernetesFailed("watch: the API server is unreachable (retrying in 2s)"), 20.5) }
            live(.ticked, Double(t) + 0.9)
            writer.flushIfDue(now: start + Double(t) + 0.9)
            if t % 5 == 4 { screens[start + Double(t) + 0.9] = renderer.render(state).lines() }
        }
        writer.close(now: start + 30)
        let recording = try Recording.read(path: path)
        #expect(recording.header.kubernetes == k8s)
        var player = ReplayPlayer(recording: recording, width: 120, height: 40)
        for time in screens.keys.sorted() {
            player.advance(to: time)
            #expect(
                Array(renderer.render(player.state).lines().dropLast()) == Array(screens[time]!.dropLast()),
                "at +\(Int(time - start))s")
        }
        #expect(player.state.instances.count == 3)
        #expect(player.state.kubernetes?.rows == ["u0": 0, "u1": 1, "u2": 2])
        #expect(player.state.instances[0].podGoneAt == start + 10.5)
        #expect(player.state.instances[2].pod?.lastTermination?.reason == "OOMKilled")
        #expect(screens.values.contains { $0.joined().contains("OOMKilled") }, "the POD column shows the termination")
    }
}
