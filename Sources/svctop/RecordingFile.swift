import Foundation
import SvctopRecord

/// Opens what `svctop replay` is given: a recording, or an incident bundle holding one.
enum RecordingFile {
    static let bundledName = "recording.svrec"

    static func open(_ path: String) throws(RecordingError) -> Recording {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("cannot read it (no such file, or not readable)")
        }
        let bytes = [UInt8](data)
        guard TarArchive.isGzip(bytes) else { return try Recording.parse(bytes) }
        let files = try TarArchive.gunzip(bytes)
        guard let recording = files.first(where: { $0.name.hasSuffix(bundledName) }) else {
            throw .notARecording("an archive without \(bundledName): not an svctop incident bundle")
        }
        return try Recording.parse(recording.bytes)
    }
}
