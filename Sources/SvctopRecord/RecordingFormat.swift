/// The constants of the recording format (docs/recording.md).
public enum RecordingFormat {
    /// The file's first bytes.
    public static let magic = Array("svctop-recording\n".utf8)
    /// The first bytes of every chunk.
    public static let chunkMagic = Array("SVCK".utf8)
    /// magic 4, CRC-32 4 (of everything after it, payload included), flags 1, reserved 3, payload length 4,
    /// records 4, first time 8, last time 8.
    public static let chunkHeaderSize = 36
    /// Flag bit: this chunk starts a block (a new deflate stream and new delta state).
    public static let startsBlock: UInt8 = 1
    /// The largest payload a reader accepts for one chunk.
    public static let maxChunkPayload = 64 << 20
    /// The largest header a reader accepts.
    public static let maxHeader = 16 << 20
}
