import Foundation
import SvctopCore

/// Saves raw goroutine dumps and profiles: mode 0600, named after the instance and time.
enum DumpFiles {
    static var defaultDirectory: String { StateDirectory.path + "/dumps" }

    static func save(
        _ bytes: [UInt8], instance: String, debugLevel: Int, fetchedAt: Double, directory: String
    ) throws -> String {
        try save(
            bytes, prefix: "goroutines", instance: instance, suffix: "-debug\(debugLevel)", extension: "txt",
            fetchedAt: fetchedAt, directory: directory)
    }

    /// `cpu-NAME-STAMP.pb.gz`: the profile as served, which `go tool pprof` opens.
    static func saveProfile(
        _ bytes: [UInt8], kind: PprofKind, instance: String, fetchedAt: Double, directory: String
    ) throws -> String {
        try save(
            bytes, prefix: kind.rawValue, instance: instance, suffix: "", extension: "pb.gz", fetchedAt: fetchedAt,
            directory: directory)
    }

    static func save(
        _ bytes: [UInt8], prefix: String, instance: String, suffix: String, extension ext: String, fetchedAt: Double,
        directory: String
    ) throws -> String {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let safe = String(instance.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        let base = "\(directory)/\(prefix)-\(safe)-\(UTCTime.compact(fetchedAt, separator: "-"))\(suffix)"
        var path = "\(base).\(ext)"
        var n = 1
        while FileManager.default.fileExists(atPath: path) {
            n += 1
            path = "\(base)-\(n).\(ext)"
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            offset += written
        }
        return path
    }
}
