import Foundation
import SvctopCore
import SvctopRecord
import SvctopTestSupport
import Testing

@testable import svctop

@Suite("the flight recorder on its own thread")
struct RecorderThreadTests {
    /// A recorder writing `file`, for a session watching two targets, and that session's first state.
    static func start(_ file: String, batchSize: Int, maxBacklog: Int = 50_000) throws -> (RecorderThread, AppState) {
        let setup = try Setup.make(
            targets: ["a=http://127.0.0.1:9", "b=http://127.0.0.1:10"], options: WatchOptions.parse([]))
        let start = 1_800_000_000.0
        let (recorder, problem) = FlightRecorder.start(configuration: setup.configuration, path: file, now: start)
        #expect(problem == nil)
        let thread = RecorderThread(
            recorder: try #require(recorder), nice: nil, batchSize: batchSize, maxBacklog: maxBacklog)
        return (thread, setup.configuration.initialState(now: start))
    }

    /// The goroutine counts of instance `id`'s recorded readings, in the order recorded.
    static func goroutines(_ file: String, id: Int) throws -> [Double] {
        var recording = try Recording.read(path: file)
        return recording.decodeAll().compactMap { entry in
            if case .event(.scrapeCompleted(id, .read(let reading, _, _, _))) = entry.recorded {
                return reading.goroutines
            }
            return nil
        }
    }

    static func scrape(_ id: Int, goroutines: Int) -> Event {
        .scrapeCompleted(id, .success(MetricSet.parse("go_goroutines \(goroutines)\n"), duration: 0.002))
    }

    @Test("what the loop hands over is written in order; a bundle's flush sees all of it before the close")
    func inOrder() async throws {
        let directory = try Scratch.directory("svctop-recorder-thread")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/session.svrec"
        let (recorder, initial) = try Self.start(file, batchSize: 8)
        var state = initial
        var flushedAt15: [Double] = []
        for t in 0..<30 {
            let now = state.now + 1
            for id in 0..<2 {
                let event = Self.scrape(id, goroutines: 100 * id + t)
                _ = state.reduce(event, now: now)
                recorder.record(event, time: now, state: state)
            }
            // Keys are the replaying user's: never recorded.
            _ = state.reduce(.keyPressed(.down), now: now)
            recorder.record(.keyPressed(.down), time: now, state: state)
            _ = state.reduce(.ticked, now: now + 0.5)
            recorder.record(.ticked, time: now + 0.5, state: state)
            #expect(recorder.tick(now: now + 0.5, state: state) == nil)
            if t == 15 {
                // As a bundle does: the loop hands its batch over, then the bundle's task waits for the file.
                recorder.handOver()
                let path = await recorder.flushed(now: now + 0.5)
                #expect(path == file)
                flushedAt15 = try Self.goroutines(path, id: 0)
            }
        }
        #expect(flushedAt15 == (0...15).map(Double.init), "everything up to the flush, nothing lost or reordered")
        recorder.close(now: state.now + 1)
        #expect(try Self.goroutines(file, id: 0) == (0..<30).map(Double.init))
        #expect(try Self.goroutines(file, id: 1) == (0..<30).map { Double(100 + $0) })
        var recording = try Recording.read(path: file)
        let entries = recording.decodeAll()
        #expect(recording.damage == nil)
        #expect(entries.count == 30 * 3, "two scrapes and a tick a second, no keys")
        // A flush asked for after the close answers at once, with the complete file.
        #expect(await recorder.flushed(now: state.now + 2) == file)
    }

    @Test("a rolling recording begins its next file at the size bound, with the targets; no event lost or doubled")
    func rolls() throws {
        let directory = try Scratch.directory("svctop-recorder-rolls")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = try Setup.make(
            targets: ["a=http://127.0.0.1:9", "b=http://127.0.0.1:10"], options: WatchOptions.parse([]))
        // Real time: files older than the age bound are pruned.
        let start = Date().timeIntervalSince1970.rounded()
        let (flight, problem) = FlightRecorder.start(
            configuration: setup.configuration, path: nil, now: start, directory: directory, rollBytes: 6_000)
        #expect(problem == nil)
        let recorder = RecorderThread(recorder: try #require(flight), nice: nil, batchSize: 16)
        var state = setup.configuration.initialState(now: start)
        var seconds = 0
        while FlightRecorder.recordings(in: directory).count < 3 && seconds < 5_000 {
            seconds += 1
            let now = start + Double(seconds)
            for id in 0..<2 {
                // Values that do not repeat, so that the file grows.
                let event = Self.scrape(id, goroutines: seconds * (id + 1) * 7919 % 100_003)
                _ = state.reduce(event, now: now)
                recorder.record(event, time: now, state: state)
            }
            #expect(recorder.tick(now: now + 0.5, state: state) == nil)
            if seconds % 50 == 0 { recorder.handOver() }
        }
        recorder.close(now: start + Double(seconds) + 1)
        let files = FlightRecorder.recordings(in: directory).map(\.path).sorted()
        #expect(files.count >= 3, "rolled twice within \(seconds) s")
        var all: [Double] = []
        for file in files {
            let recording = try Recording.read(path: file)
            #expect(recording.damage == nil)
            #expect(recording.header.targets.map(\.name) == ["a", "b"], "each file names the session's targets")
            all += try Self.goroutines(file, id: 0)
        }
        #expect(all == (1...seconds).map { Double($0 * 7919 % 100_003) }, "every reading once, in order, across files")
    }

    @Test(
        "a recording that falls behind drops what does not fit, says so at the next tick, and the loop never waits",
        .timeLimit(.minutes(1)))
    func fallsBehind() async throws {
        let directory = try Scratch.directory("svctop-recorder-behind")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/session.svrec"
        let (recorder, initial) = try Self.start(file, batchSize: 4, maxBacklog: 8)
        var state = initial
        // The thread is held, as by a disk that blocks: what is handed over waits, up to 8 events.
        let release = DispatchSemaphore(value: 0)
        recorder.hold(until: release)
        let now = state.now + 1
        for t in 0..<20 {
            let event = Self.scrape(0, goroutines: t)
            _ = state.reduce(event, now: now + Double(t) * 0.01)
            recorder.record(event, time: now + Double(t) * 0.01, state: state)
        }
        let message = try #require(recorder.tick(now: now + 0.5, state: state))
        #expect(message == "recording fell behind the disk: 12 events not recorded so far")
        #expect(recorder.tick(now: now + 0.6, state: state) == nil, "each drop is reported once")
        release.signal()
        recorder.close(now: now + 1)
        #expect(try Self.goroutines(file, id: 0) == (0..<8).map(Double.init), "the first eight, in order")
    }
}
