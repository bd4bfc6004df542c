import CompressNIO
import Foundation
import NIOCore
import SvctopCore

/// A recording read back: its header, and its blocks decompressed (the encoded events, not yet decoded). Reading
/// stops at the first damage (a cut or corrupt chunk, a block that does not inflate) and says where: everything
/// before it replays.
public struct Recording: Sendable {
    public var header: RecordingHeader
    public var blocks: [Block]
    /// Where reading stopped early and why, or nil when the whole file was read.
    public var damage: String?
    /// The file's size in bytes.
    public var byteCount: Int

    /// A block: events that decode on their own (fresh delta state), between two times.
    public struct Block: Sendable {
        /// Offset of the block's first chunk in the file.
        public var offset: Int
        public var firstTime: Double
        public var lastTime: Double
        public var records: Int
        /// The inflated bytes of its chunks, in order.
        public var raw: [UInt8]
        /// The chunks' bytes as they are in the file (header and payload), to copy a block into another file.
        public var stored: [UInt8]
    }

    public var firstTime: Double { blocks.first?.firstTime ?? header.startedAt }
    public var lastTime: Double { blocks.last?.lastTime ?? header.startedAt }

    public static func read(path: String) throws(RecordingError) -> Recording {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io("cannot read \(path): no such file or not readable")
        }
        return try parse([UInt8](data))
    }

    /// Reads a recording from its bytes.
    public static func parse(_ bytes: [UInt8]) throws(RecordingError) -> Recording {
        let magic = RecordingFormat.magic
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw .notARecording("not an svctop recording (it does not start with \"svctop-recording\")")
        }
        var source = ByteSource(bytes, position: magic.count)
        let length: Int
        do {
            length = Int(try source.fixed32())
        } catch {
            throw .notARecording("the recording's header is cut off")
        }
        guard length <= RecordingFormat.maxHeader, let json = try? source.raw(length),
            let crc = try? source.fixed32()
        else {
            throw .notARecording("the recording's header is cut off")
        }
        guard CRC32.checksum(json) == crc else { throw .notARecording("the recording's header is corrupt") }
        let header: RecordingHeader
        do {
            header = try JSONDecoder().decode(RecordingHeader.self, from: Data(json))
        } catch {
            throw .notARecording("the recording's header is not readable: \(error)")
        }
        guard header.format <= RecordingHeader.currentFormat else {
            throw .notARecording(
                "recording format \(header.format) is newer than this svctop reads (\(RecordingHeader.currentFormat))")
        }
        var recording = Recording(header: header, blocks: [], damage: nil, byteCount: bytes.count)
        recording.readBlocks(bytes, from: source.position)
        return recording
    }

    private mutating func readBlocks(_ bytes: [UInt8], from start: Int) {
        var position = start
        var decompressor: NIODecompressor?
        var current: Block?
        func stop(_ why: String, at offset: Int) {
            damage = "stopped at byte \(offset) of \(bytes.count): \(why); what follows is skipped"
        }
        func finishBlock() {
            if let block = current { blocks.append(block) }
            current = nil
        }
        while position < bytes.count {
            var source = ByteSource(bytes, position: position)
            guard let chunkMagic = try? source.raw(4), Array(chunkMagic) == RecordingFormat.chunkMagic,
                let crc = try? source.fixed32(), let flags = try? source.byte(), (try? source.raw(3)) != nil,
                let length = try? source.fixed32(), let records = try? source.fixed32(),
                let first = try? source.double(), let last = try? source.double()
            else {
                stop(
                    bytes.count - position < RecordingFormat.chunkHeaderSize
                        ? "a chunk header is cut off" : "no chunk starts there", at: position)
                break
            }
            guard Int(length) <= RecordingFormat.maxChunkPayload, (try? source.raw(Int(length))) != nil else {
                stop("a chunk is cut off (\(length) bytes announced)", at: position)
                break
            }
            guard CRC32.checksum(bytes[(position + 8)..<source.position]) == crc else {
                stop("a chunk's checksum does not match", at: position)
                break
            }
            let payload = bytes[(source.position - Int(length))..<source.position]
            let startsBlock = flags & RecordingFormat.startsBlock != 0
            if startsBlock {
                finishBlock()
                let d = CompressionAlgorithm.deflate().decompressor
                do {
                    try d.startStream()
                } catch {
                    stop("cannot start decompression", at: position)
                    break
                }
                decompressor = d
                current = Block(offset: position, firstTime: first, lastTime: last, records: 0, raw: [], stored: [])
            }
            guard let d = decompressor, current != nil else {
                stop("a chunk continues a block whose start is missing", at: position)
                break
            }
            var input = ByteBuffer(bytes: payload)
            do {
                var out = try input.decompressStream(with: d, maxSize: 256 << 20)
                current?.raw.append(contentsOf: out.readBytes(length: out.readableBytes) ?? [])
            } catch {
                stop("a chunk does not inflate (\(error))", at: position)
                break
            }
            current?.records += Int(records)
            current?.lastTime = last
            current?.stored.append(contentsOf: bytes[position..<source.position])
            position = source.position
        }
        finishBlock()
    }

    /// The bytes of a recording with this one's header and only the blocks that end at or after `since` (blocks
    /// decode on their own, so the result is a complete recording of that span).
    public func bytes(since: Double) -> [UInt8] {
        var sink = ByteSink()
        sink.bytes = header.fileStart()
        for block in blocks where block.lastTime >= since { sink.bytes.append(contentsOf: block.stored) }
        return sink.bytes
    }

    /// Every entry, in order, decoded; stops at a record that does not decode (and notes it in `damage`).
    public mutating func decodeAll() -> [RecordEntry] {
        var out: [RecordEntry] = []
        var cursor = RecordingCursor(self)
        while let entry = cursor.next() { out.append(entry) }
        if let why = cursor.damage, damage == nil { damage = why }
        return out
    }
}
