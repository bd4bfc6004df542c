import CompressNIO
import Foundation
import Glibc
import NIOCore
import SvctopCore

/// Appends a recording to a file: the header, then chunks of encoded events, each chunk one `write` of a
/// sync-flushed piece of the block's deflate stream with its checksum. A chunk is written at least every second
/// (`flushIfDue`), so a `kill -9` loses at most the last second; a block ends after a minute or 4 MiB, so a reader
/// can start at any block. Files are created 0600.
///
/// Not thread-safe: one thread owns it (in the dashboard, the recorder's own thread).
public final class RecordingWriter {
    public let path: String
    private let fd: Int32
    private var codec = RecordCodec()
    private let compressor: NIOCompressor
    private var pending = ByteSink()
    private var pendingRecords = 0
    private var pendingFirst: Double?
    private var pendingLast: Double = 0
    private var lastFlush: Double
    private var blockStart: Double?
    private var blockRawBytes = 0
    private var nextStartsBlock = true
    /// Bytes in the file so far.
    public private(set) var size: Int = 0
    /// The first error writing hit (the recording stops; the dashboard goes on and says why).
    public private(set) var failure: String?

    public static let flushInterval = 1.0
    public static let blockBytes = 4 << 20
    /// A block ends after this many seconds (each block starts its delta state again: longer is smaller, shorter
    /// is finer for bundles).
    public let blockSeconds: Double

    /// Creates (or replaces) `path` and writes the header.
    public init(path: String, header: RecordingHeader, blockSeconds: Double = 60) throws(RecordingError) {
        self.path = path
        self.blockSeconds = blockSeconds
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .io("cannot write the recording \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        self.fd = fd
        compressor = CompressionAlgorithm.deflate().compressor
        lastFlush = header.startedAt
        do {
            try compressor.startStream()
        } catch {
            Glibc.close(fd)
            throw .io("cannot start compression: \(error)")
        }
        write(header.fileStart())
        if let failure { throw .io(failure) }
    }

    deinit { Glibc.close(fd) }

    /// Records an event the dashboard reduced at `time`, as `state` now holds it.
    public func record(_ event: Event, time: Double, state: AppState) {
        guard failure == nil else { return }
        if codec.encode(event, time: time, state: state, to: &pending) { noteRecord(time) }
    }

    /// Records an event as `RecordCodec.recordable` gave it, with no state at hand (on the recorder's own thread).
    public func record(_ event: Event, time: Double) {
        guard failure == nil else { return }
        if codec.encode(event, time: time, to: &pending) { noteRecord(time) }
    }

    public func record(journal entry: JournalEntry, time: Double) {
        guard failure == nil else { return }
        codec.encode(journal: entry, time: time, to: &pending)
        noteRecord(time)
    }

    private func noteRecord(_ time: Double) {
        pendingRecords += 1
        if pendingFirst == nil { pendingFirst = time }
        pendingLast = time
        if blockStart == nil { blockStart = time }
        if pending.bytes.count >= 1 << 20 { flush(now: time) }
    }

    /// Writes what is pending when a second has passed since the last chunk.
    public func flushIfDue(now: Double) {
        if now - lastFlush >= Self.flushInterval { flush(now: now) }
    }

    /// Writes what is pending as one chunk, and ends the block when it is old or large enough.
    public func flush(now: Double) {
        lastFlush = now
        guard failure == nil, pendingRecords > 0 else { return }
        var input = ByteBuffer(bytes: pending.bytes)
        let payload: ByteBuffer
        do {
            payload = try input.compressStream(with: compressor, flush: .sync)
        } catch {
            failure = "compression failed: \(error)"
            return
        }
        blockRawBytes += pending.bytes.count
        // magic, CRC-32 of everything after it, flags, 3 reserved, payload length, records, first and last time.
        var covered = ByteSink()
        covered.bytes.reserveCapacity(RecordingFormat.chunkHeaderSize + payload.readableBytes)
        covered.byte(nextStartsBlock ? RecordingFormat.startsBlock : 0)
        covered.bytes.append(contentsOf: [0, 0, 0])
        let payloadBytes = payload.readableBytesView
        covered.fixed32(UInt32(payloadBytes.count))
        covered.fixed32(UInt32(pendingRecords))
        covered.double(pendingFirst ?? now)
        covered.double(pendingLast)
        covered.bytes.append(contentsOf: payloadBytes)
        var chunk = ByteSink()
        chunk.bytes.reserveCapacity(covered.bytes.count + 8)
        chunk.bytes.append(contentsOf: RecordingFormat.chunkMagic)
        chunk.fixed32(CRC32.checksum(covered.bytes))
        chunk.bytes.append(contentsOf: covered.bytes)
        write(chunk.bytes)
        nextStartsBlock = false
        pending = ByteSink()
        pendingRecords = 0
        pendingFirst = nil
        if blockRawBytes >= Self.blockBytes || now - (blockStart ?? now) >= blockSeconds {
            endBlock()
        }
    }

    /// Ends the block: the next chunk starts a new deflate stream with fresh delta state.
    private func endBlock() {
        codec = RecordCodec()
        try? compressor.resetStream()
        blockStart = nil
        blockRawBytes = 0
        nextStartsBlock = true
    }

    /// Writes what is pending; the file stays a valid recording (there is no trailer to write).
    public func close(now: Double) {
        flush(now: now)
        try? compressor.finishStream()
    }

    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "writing the recording \(path) failed: \(String(cString: strerror(errno)))"
                return
            }
            offset += n
        }
        size += bytes.count
    }
}
