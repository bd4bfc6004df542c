import Foundation
import SvctopTestSupport
import Testing

/// The flight recorder, `B`, `svctop bundle` and `svctop replay` with the real binary in tmux, on the demo fleet.
@Suite("recording, bundle and replay end to end", .serialized, .enabled(if: Tmux.isAvailable, "tmux is not installed"))
struct RecorderEndToEndTests {
    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    @Test("a session is recorded by default, B writes a bundle, and the bundle replays with no network")
    func recordBundleReplay() throws {
        let dir = try Scratch.directory("e2e")
        let state = "\(dir)/state"
        let live = try Tmux(
            width: 120, height: 40,
            command:
                "cd \(dir) && XDG_STATE_HOME=\(state) \(Tmux.binary) --demo --journal \(dir)/j.jsonl; exec sleep 600")
        let (up, screen) = try live.waitFor(30) { $0.contains("up 6/6") && $0.contains("checkout-b") }
        #expect(up, "dashboard did not appear:\n\(screen)")
        // Some seconds of data: the trend column fills one cell per sample.
        let recordings = "\(state)/svctop/recordings"
        let deadline = Date().addingTimeInterval(30)
        func recorded() -> Int {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: recordings)) ?? []
            return names.compactMap {
                (try? FileManager.default.attributesOfItem(atPath: "\(recordings)/\($0)")[.size] as? NSNumber)?
                    .intValue
            }.reduce(0, +)
        }
        while recorded() < 20_000 && Date() < deadline { usleep(100_000) }
        #expect(recorded() >= 20_000, "the recording does not grow")
        try live.send("B")
        let (bundled, message) = try live.waitFor(30) { $0.contains("incident bundle: ") }
        #expect(bundled, "no bundle message:\n\(message)")
        try live.send("q")
        let files = try FileManager.default.contentsOfDirectory(atPath: recordings)
        #expect(files.count == 1 && files[0].hasSuffix(".svrec"))
        #expect(Self.mode("\(recordings)/\(files[0])") == 0o600)
        let bundles = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tar.gz") }
        try #require(bundles.count == 1, "\(bundles)")
        let bundle = "\(dir)/\(bundles[0])"
        #expect(Self.mode(bundle) == 0o600)
        let listing = try runProcess("/usr/bin/tar", ["tzf", bundle])
        for inside in ["recording.svrec", "snapshot.json", "fleet.txt", "journal.jsonl", "README.txt"] {
            #expect(listing.stdout.contains("svctop-incident/\(inside)"), "\(inside) missing:\n\(listing.stdout)")
        }

        // Another "machine": a fresh state directory, no fleet running.
        let other = ["XDG_STATE_HOME": "\(dir)/elsewhere", "PATH": "/usr/bin:/bin", "HOME": dir]
        let once = try runProcess(Tmux.binary, ["replay", bundle, "--once", "--format", "text"], environment: other)
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout.contains("checkout-b") && once.stdout.contains("payments-a"), "\(once.stdout)")

        let replay = try Tmux(width: 120, height: 40, command: "\(Tmux.binary) replay \(bundle); exec sleep 600")
        let (shown, replayed) = try replay.waitFor(20) { $0.contains("REPLAY 20") && $0.contains("checkout-b") }
        #expect(shown, "replay did not appear:\n\(replayed)")
        try replay.send("D")
        let (refused, why) = try replay.waitFor(10) { $0.contains("disabled in replay") }
        #expect(refused, "drain was not refused:\n\(why)")
        try replay.send("Space")
        #expect(try replay.waitFor(10) { $0.contains("paused") }.0)
        try replay.send("q")
        let (gone, after) = try replay.waitFor(10) { !$0.contains("REPLAY") }
        #expect(gone, "replay did not quit:\n\(after)")
    }

    @Test("a file that is not a recording is refused with a message, not a crash")
    func notARecording() throws {
        let dir = try Scratch.directory("e2e")
        try "hello\n".write(toFile: "\(dir)/x.svrec", atomically: true, encoding: .utf8)
        let result = try runProcess(Tmux.binary, ["replay", "\(dir)/x.svrec", "--once"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not an svctop recording"), "\(result.stderr)")
        let missing = try runProcess(
            Tmux.binary, ["bundle", "--recording", "\(dir)/none.svrec", "-o", "\(dir)/b.tar.gz"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read"), "\(missing.stderr)")
    }
}
