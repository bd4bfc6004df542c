import CompressNIO
import Foundation
import NIOCore

/// A gzip-compressed tar archive (POSIX ustar) of regular files: what an incident bundle is, so any machine opens
/// it with `tar xzf`. Files are stored with mode 0600.
public enum TarArchive {
    public struct File: Sendable, Equatable {
        public var name: String
        public var bytes: [UInt8]
        public var modified: Double

        public init(name: String, bytes: [UInt8], modified: Double) {
            self.name = name
            self.bytes = bytes
            self.modified = modified
        }
    }

    /// The `.tar.gz` bytes of `files`.
    public static func gzip(_ files: [File]) throws(RecordingError) -> [UInt8] {
        var tar: [UInt8] = []
        for file in files {
            tar += header(file)
            tar += file.bytes
            tar += [UInt8](repeating: 0, count: (512 - file.bytes.count % 512) % 512)
        }
        tar += [UInt8](repeating: 0, count: 1024)
        var buffer = ByteBuffer(bytes: tar)
        do {
            var out = try buffer.compress(with: .gzip())
            return out.readBytes(length: out.readableBytes) ?? []
        } catch {
            throw .io("compressing the bundle failed: \(error)")
        }
    }

    static func header(_ file: File) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, b) in text.utf8.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(file.name, at: 0, width: 100)
        octal(0o600, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(file.bytes.count, at: 124, width: 12)
        octal(Int(max(0, file.modified)), at: 136, width: 12)
        h[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        octal(sum, at: 148, width: 7)
        h[155] = UInt8(ascii: " ")
        return h
    }

    /// Whether `bytes` start like gzip.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }

    /// The regular files of a `.tar.gz`.
    public static func gunzip(_ bytes: [UInt8], maxSize: Int = 4 << 30) throws(RecordingError) -> [File] {
        var buffer = ByteBuffer(bytes: bytes)
        let tar: [UInt8]
        do {
            var out = try buffer.decompress(with: .gzip(), maxSize: maxSize)
            tar = out.readBytes(length: out.readableBytes) ?? []
        } catch {
            throw .notARecording("not a readable .tar.gz: \(error)")
        }
        var files: [File] = []
        var offset = 0
        while offset + 512 <= tar.count {
            let h = tar[offset..<offset + 512]
            if h.allSatisfy({ $0 == 0 }) { break }
            func field(_ start: Int, _ width: Int) -> String {
                let slice = tar[offset + start..<offset + start + width].prefix { $0 != 0 }
                return String(decoding: slice, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            }
            guard let size = Int(field(124, 12), radix: 8) else { throw .corrupt("a tar header without a size") }
            let name = field(0, 100)
            let type = tar[offset + 156]
            let modified = Double(Int(field(136, 12), radix: 8) ?? 0)
            let start = offset + 512
            guard start + size <= tar.count else { throw .truncated }
            if type == UInt8(ascii: "0") || type == 0 {
                files.append(File(name: name, bytes: Array(tar[start..<start + size]), modified: modified))
            }
            offset = start + (size + 511) / 512 * 512
        }
        return files
    }
}
