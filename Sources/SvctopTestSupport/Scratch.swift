import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scratch space for one test process: every directory and file a test makes (journals, recordings, kubeconfigs,
/// the state home of the svctop processes it starts) lives under one directory in the temporary directory, named
/// after the process and removed when the process exits, so a run of the suite leaves nothing behind. The
/// directories of earlier runs whose process is gone (a crash, a kill) are removed when the next run starts.
public enum Scratch {
    /// The directory of this process, made on first use.
    public static let root: String = {
        removeAbandoned()
        let path = directory(of: getpid())
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { _ = try? FileManager.default.removeItem(atPath: Scratch.directory(of: getpid())) }
        return path
    }()

    /// A new, empty directory under `root` whose name starts with `prefix`.
    public static func directory(_ prefix: String) throws -> String {
        let path = "\(root)/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A path under `root` for a file whose name starts with `prefix` and ends with `suffix`; nothing is made.
    public static func file(_ prefix: String, suffix: String = "") -> String {
        "\(root)/\(prefix)-\(UUID().uuidString)\(suffix)"
    }

    static let namePrefix = "svctop-tests-"

    static func directory(of pid: pid_t) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(namePrefix)\(pid)").path
    }

    /// Removes the scratch directories of test processes that no longer run.
    static func removeAbandoned() {
        let temporary = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        where name.hasPrefix(namePrefix) {
            guard let pid = pid_t(name.dropFirst(namePrefix.count)), pid != getpid(),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: "\(temporary)/\(name)")
        }
    }
}
