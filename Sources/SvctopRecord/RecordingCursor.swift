import SvctopCore

/// Walks a recording's entries in order, block by block (each with fresh delta state), from a chosen block.
public struct RecordingCursor {
    public let recording: Recording
    public private(set) var block: Int
    private var source: ByteSource?
    private var codec = RecordCodec()
    /// Set when an entry did not decode: the cursor ends there.
    public private(set) var damage: String?

    public init(_ recording: Recording, block: Int = 0) {
        self.recording = recording
        self.block = block
    }

    /// The next entry, or nil at the end (or at damage).
    public mutating func next() -> RecordEntry? {
        while damage == nil {
            if source == nil {
                guard block < recording.blocks.count else { return nil }
                source = ByteSource(recording.blocks[block].raw)
                codec = RecordCodec()
            }
            if source!.isAtEnd {
                source = nil
                block += 1
                continue
            }
            do {
                return try codec.decode(from: &source!)
            } catch {
                damage =
                    "stopped in the block at byte \(recording.blocks[block].offset): an entry does not decode"
                    + " (\(error)); what follows is skipped"
            }
        }
        return nil
    }
}
