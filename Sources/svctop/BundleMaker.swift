import Foundation
import SvctopCore
import SvctopRecord
import SvctopRender

/// An incident bundle: one `.tar.gz` with the recording of a span, the dumps and profiles fetched in it, the
/// journal lines of that span, a JSON snapshot and a plain-text fleet screen at its end, and a README. Written
/// 0600; addresses lose their credentials and queries, and the recording never held headers or tokens.
enum BundleMaker {
    /// Writes the bundle of the last `since` seconds of `recording` (all of it when nil) to `output`.
    static func write(
        recording: Recording, since: Double?, journalPath: String?, output: String, now: Double
    ) throws(RecordingError) -> String {
        let cutoff = since.map { recording.lastTime - $0 } ?? -Double.infinity
        let recordingBytes = recording.bytes(since: cutoff)
        let span = try Recording.parse(recordingBytes)
        var files: [TarArchive.File] = []
        func add(_ name: String, _ bytes: [UInt8]) {
            files.append(TarArchive.File(name: "svctop-incident/" + name, bytes: bytes, modified: now))
        }
        add(RecordingFile.bundledName, recordingBytes)

        var player = ReplayPlayer(recording: span)
        var cursor = RecordingCursor(span)
        var fetched: [String] = []
        while let entry = cursor.next() {
            guard case .event(let event) = entry.recorded else { continue }
            let names = span.header.targets.map(\.name)
            func name(_ id: InstanceID) -> String {
                let raw = id < names.count ? names[id] : "instance-\(id)"
                return String(raw.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
            }
            switch event {
            case .dumpLoaded(let id, let level, let raw, _, let fetchedAt):
                let file = "dumps/\(name(id))-\(stamp(fetchedAt))-debug\(level).txt"
                add(file, raw)
                fetched.append(file)
            case .profileLoaded(let id, let raw, let profile, let fetchedAt):
                let file = "profiles/\(name(id))-\(profile.kind.rawValue)-\(stamp(fetchedAt)).pb.gz"
                add(file, raw)
                fetched.append(file)
            default: break
            }
        }
        player.advance(to: span.lastTime)
        add("snapshot.json", Array(SnapshotOutput.render(player.state, format: .json).utf8))
        var screen = player.state
        screen.replay = nil
        screen.views = [.fleet]
        _ = screen.reduce(.resized(width: 120, height: 40), now: screen.now)
        add("fleet.txt", Array((Renderer(theme: .monochrome, glyphs: .ascii).render(screen).text + "\n").utf8))
        let journal = journalLines(path: journalPath, since: span.firstTime)
        add("journal.jsonl", Array(journal.utf8))
        add(
            "README.txt",
            Array(readme(span: span, dumps: fetched, journalLines: journal.split(separator: "\n").count).utf8))

        let archive = try TarArchive.gzip(files)
        let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io("cannot write \(output): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        var offset = 0
        while offset < archive.count {
            let n = archive.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io("writing \(output) failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        return output
    }

    /// The journal's lines from `since` on, with addresses stripped of credentials.
    static func journalLines(path: String?, since: Double) -> String {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = ""
        for line in text.split(separator: "\n") {
            guard var entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(line.utf8)) else { continue }
            let time = UTCTime.parse(entry.time) ?? 0
            guard time >= since else { continue }
            entry.url = RecordedTarget.withoutSecrets(entry.url)
            if let data = try? encoder.encode(entry) { out += String(decoding: data, as: UTF8.self) + "\n" }
        }
        return out
    }

    static func stamp(_ time: Double) -> String {
        ReplayStatus.clock(time).replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: "-", with: "")
    }

    static func readme(span: Recording, dumps: [String], journalLines: Int) -> String {
        """
        svctop incident bundle
        ======================

        Recorded on \(span.header.host) by svctop \(span.header.svctopVersion), from \(ReplayStatus.clock(span.firstTime))
        to \(ReplayStatus.clock(span.lastTime)) (UTC), \(span.header.targets.count) instance(s)\(span.header.source.map { " from \($0)" } ?? "").

        Open it in the dashboard, on any machine, with no network:

            svctop replay <this file>.tar.gz

        Space pauses, left/right step, [ and ] change the speed, t jumps to a time or to the next warning.
        For scripts: svctop replay <this file>.tar.gz --once --format json --at HH:MM:SS

        Inside:
          recording.svrec   every reading, probe, failure, action result and dump of the span (docs/recording.md)
          snapshot.json     every instance at the end of the span (the fields of svctop --once --format json)
          fleet.txt         the fleet view at the end of the span, as text
          journal.jsonl     \(journalLines) audit journal line(s) of the span (mutating actions, done or refused)
        \(dumps.isEmpty ? "  (no dump or profile was fetched in the span)" : dumps.map { "  \($0)" }.joined(separator: "\n"))

        No token, header or credential is in this bundle: addresses are kept without user:password and query.
        """ + "\n"
    }
}
