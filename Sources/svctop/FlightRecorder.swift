import Foundation
import SvctopCore
import SvctopRecord

/// The session's recording: by default a rolling flight recording under `$XDG_STATE_HOME/svctop/recordings`
/// (a new file when one grows past an eighth of the size bound; the oldest files deleted past the size and age
/// bounds), or one file the user named with `--record`, kept whole.
///
/// Not thread-safe: in the dashboard it lives on its own thread (`RecorderThread`).
final class FlightRecorder {
    private var writer: RecordingWriter
    private let header: RecordingHeader
    private let isRolling: Bool
    private let maxBytes: Double
    private let maxAge: Double
    /// Where a rolling recording's files are kept.
    let directory: String
    /// The size past which a rolling file is closed and the next begun.
    private let rollBytes: Double
    /// Why recording stopped, once it did.
    private(set) var failure: String?

    /// Where flight recordings are kept unless told otherwise.
    static var defaultDirectory: String { StateDirectory.path + "/recordings" }
    static let fileExtension = "svrec"

    /// Opens the recording; nil (with a message for stderr) when it cannot be written. A rolling recording (no
    /// `path`) keeps its files in `directory` and begins the next one past `rollBytes` (by default an eighth of
    /// the size bound, at least 8 MiB).
    static func start(
        configuration: RunConfiguration, path: String?, now: Double, directory: String = defaultDirectory,
        rollBytes: Double? = nil
    ) -> (FlightRecorder?, String?) {
        var header = RecordingHeader(
            startedAt: now, host: ProcessInfo.processInfo.hostName, settings: configuration.settings,
            targets: configuration.targets, source: configuration.prometheus?.url,
            sourceProfile: configuration.prometheus == nil && configuration.kubernetes == nil
                ? nil : configuration.sourceProfile)
        header.kubernetes = configuration.kubernetes?.state
        let file: String
        if let path {
            file = path
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                return (nil, "svctop: not recording: cannot create \(directory): \(error.localizedDescription)")
            }
            file = Self.newFile(in: directory, now: now)
        }
        do {
            let writer = try RecordingWriter(path: file, header: header)
            let maxBytes = configuration.settings.recordMaxBytes
            let recorder = FlightRecorder(
                writer: writer, header: header, isRolling: path == nil, maxBytes: maxBytes,
                maxAge: configuration.settings.recordMaxAge, directory: directory,
                rollBytes: rollBytes ?? max(Double(8 << 20), maxBytes / 8))
            if path == nil { recorder.prune(now: now) }
            return (recorder, nil)
        } catch {
            return (nil, "svctop: not recording: \(error)")
        }
    }

    private init(
        writer: RecordingWriter, header: RecordingHeader, isRolling: Bool, maxBytes: Double, maxAge: Double,
        directory: String, rollBytes: Double
    ) {
        self.writer = writer
        self.header = header
        self.isRolling = isRolling
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.directory = directory
        self.rollBytes = rollBytes
    }

    var path: String { writer.path }

    static func newFile(in directory: String, now: Double) -> String {
        "\(directory)/svctop-\(UTCTime.compact(now))-\(getpid()).\(fileExtension)"
    }

    /// Records an event as `RecordCodec.recordable` gave it.
    func record(_ event: Event, time: Double) {
        writer.record(event, time: time)
    }

    /// Once a second: the pending second goes to disk. Returns why recording stopped, the first time it does.
    func tick(now: Double) -> String? {
        writer.flushIfDue(now: now)
        if let error = writer.failure, failure == nil {
            failure = error
            return "recording stopped: \(error)"
        }
        return nil
    }

    /// Whether the rolling file has grown too large and the next should begin (`roll`).
    var needsRoll: Bool { isRolling && Double(writer.size) > rollBytes }

    /// Closes the file and begins the next one, with the session's targets as they are now.
    func roll(now: Double, targets: [RecordedTarget]) {
        writer.close(now: now)
        var next = header
        next.startedAt = now
        next.targets = targets
        if let replacement = try? RecordingWriter(path: Self.newFile(in: directory, now: now), header: next) {
            writer = replacement
            prune(now: now)
        }
    }

    /// Writes everything pending (before a bundle reads the file, and on exit).
    func flush(now: Double) { writer.flush(now: now) }

    func close(now: Double) { writer.close(now: now) }

    /// Deletes flight recordings past the age bound, then the oldest until the rest fit the size bound (never the
    /// one being written).
    func prune(now: Double) {
        for file in Self.recordings(in: directory).reversed() where file.path != writer.path {
            if now - file.modified > maxAge { try? FileManager.default.removeItem(atPath: file.path) }
        }
        var files = Self.recordings(in: directory).filter { $0.path != writer.path }
        var total = Double(files.reduce(writer.size) { $0 + $1.size })
        while total > maxBytes, let oldest = files.first {
            try? FileManager.default.removeItem(atPath: oldest.path)
            total -= Double(oldest.size)
            files.removeFirst()
        }
    }

    /// The flight recordings in `directory`, oldest first.
    static func recordings(in directory: String = defaultDirectory) -> [(path: String, size: Int, modified: Double)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix("." + fileExtension) }.compactMap { name in
            let path = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return (path, size, modified)
        }.sorted { $0.modified < $1.modified }
    }
}
