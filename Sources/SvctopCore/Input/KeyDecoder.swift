/// Decodes raw terminal input bytes (UTF-8 text, control bytes, and VT100/xterm escape sequences) into keys.
///
/// A lone ESC is ambiguous (the Escape key, or the start of a sequence still arriving), so the decoder holds it
/// back: the input reader calls `flush()` after a short quiet time (about 25 ms) to emit it as `.escape`.
/// Pure and deterministic; never traps on any input.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// True when bytes are held back waiting for the rest of a sequence.
    public var hasPending: Bool { !pending.isEmpty }

    /// Feeds bytes; returns the keys that are complete.
    public mutating func feed<S: Sequence>(_ bytes: S) -> [Key] where S.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var keys: [Key] = []
        while !pending.isEmpty {
            guard let (key, used) = decode(pending[...]) else { break }
            pending.removeFirst(used)
            if let key { keys.append(key) }
        }
        return keys
    }

    /// Emits whatever is held back after the quiet time: a lone ESC becomes `.escape`; an unfinished sequence
    /// becomes `.escape` followed by its remaining bytes decoded as plain keys.
    public mutating func flush() -> [Key] {
        guard !pending.isEmpty else { return [] }
        var keys: [Key] = []
        if pending.first == 0x1b {
            keys.append(.escape)
            pending.removeFirst()
        }
        let rest = pending
        pending = []
        for b in rest {
            if let k = KeyDecoder.single(b) { keys.append(k) }
        }
        return keys
    }

    /// Decodes one key from the front. Returns nil when more bytes are needed; a nil key means bytes consumed
    /// without a key (an unknown sequence).
    private func decode(_ bytes: ArraySlice<UInt8>) -> (Key?, Int)? {
        let b0 = bytes[bytes.startIndex]
        if b0 == 0x1b {
            guard bytes.count >= 2 else { return nil }
            let b1 = bytes[bytes.startIndex + 1]
            if b1 == UInt8(ascii: "[") { return decodeCSI(bytes) }
            if b1 == UInt8(ascii: "O") {
                guard bytes.count >= 3 else { return nil }
                let k: Key?
                switch bytes[bytes.startIndex + 2] {
                case UInt8(ascii: "A"): k = .up
                case UInt8(ascii: "B"): k = .down
                case UInt8(ascii: "C"): k = .right
                case UInt8(ascii: "D"): k = .left
                case UInt8(ascii: "H"): k = .home
                case UInt8(ascii: "F"): k = .end
                case UInt8(ascii: "P"): k = .function(1)
                case UInt8(ascii: "Q"): k = .function(2)
                case UInt8(ascii: "R"): k = .function(3)
                case UInt8(ascii: "S"): k = .function(4)
                case UInt8(ascii: "M"): k = .enter
                default: k = nil
                }
                return (k, 3)
            }
            // ESC followed by anything else is Escape, then that key: svctop binds no Alt keys, and quick
            // Esc-Esc-q typing must not lose an Escape.
            return (.escape, 1)
        }
        if b0 < 0x80 { return (KeyDecoder.single(b0), 1) }
        // UTF-8 multi-byte character.
        let length: Int
        if b0 & 0xE0 == 0xC0 {
            length = 2
        } else if b0 & 0xF0 == 0xE0 {
            length = 3
        } else if b0 & 0xF8 == 0xF0 {
            length = 4
        } else {
            return (nil, 1)
        }
        guard bytes.count >= length else { return nil }
        let slice = bytes[bytes.startIndex..<(bytes.startIndex + length)]
        for b in slice.dropFirst() where b & 0xC0 != 0x80 { return (nil, 1) }
        let s = String(decoding: slice, as: UTF8.self)
        guard let c = s.first, s.count == 1, !s.unicodeScalars.contains("\u{FFFD}") else { return (nil, length) }
        return (.char(c), length)
    }

    private func decodeCSI(_ bytes: ArraySlice<UInt8>) -> (Key?, Int)? {
        // ESC [ params final, where final is 0x40...0x7E.
        var i = bytes.startIndex + 2
        while i < bytes.endIndex {
            let b = bytes[i]
            if b >= 0x40 && b <= 0x7e { break }
            if b < 0x20 || b > 0x3f { return (nil, i - bytes.startIndex) }
            i += 1
            if i - bytes.startIndex > 16 { return (nil, i - bytes.startIndex) }
        }
        guard i < bytes.endIndex else { return nil }
        let final = bytes[i]
        let params = String(decoding: bytes[(bytes.startIndex + 2)..<i], as: UTF8.self)
        let used = i - bytes.startIndex + 1
        let first = Int(params.split(separator: ";").first ?? "") ?? 0
        switch final {
        case UInt8(ascii: "A"): return (.up, used)
        case UInt8(ascii: "B"): return (.down, used)
        case UInt8(ascii: "C"): return (.right, used)
        case UInt8(ascii: "D"): return (.left, used)
        case UInt8(ascii: "H"): return (.home, used)
        case UInt8(ascii: "F"): return (.end, used)
        case UInt8(ascii: "Z"): return (.backTab, used)
        case UInt8(ascii: "~"):
            switch first {
            case 1, 7: return (.home, used)
            case 2: return (.insert, used)
            case 3: return (.delete, used)
            case 4, 8: return (.end, used)
            case 5: return (.pageUp, used)
            case 6: return (.pageDown, used)
            case 11...15: return (.function(first - 10), used)
            case 17...21: return (.function(first - 11), used)
            case 23, 24: return (.function(first - 12), used)
            default: return (nil, used)
            }
        default:
            return (nil, used)
        }
    }

    static func single(_ b: UInt8) -> Key? {
        switch b {
        case 0x0d, 0x0a: return .enter
        case 0x09: return .tab
        case 0x7f, 0x08: return .backspace
        case 0x1b: return .escape
        case 0x01...0x1a: return .ctrl(Character(Unicode.Scalar(b + 0x60)))
        case 0x20..<0x7f: return .char(Character(Unicode.Scalar(b)))
        default: return nil
        }
    }
}
