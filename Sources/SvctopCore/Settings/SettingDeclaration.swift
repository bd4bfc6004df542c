/// One setting, declared once: its YAML key, command-line flag, type, default and help. Everything that reads
/// or documents settings works from these declarations: the command-line options, the config file's
/// `defaults:` section (parsing, validation, error messages), `--help` and the table in docs/configuration.md.
public struct SettingDeclaration: Sendable {
    /// What values a setting takes, and how they are written.
    public enum Kind: Sendable, Equatable {
        /// Seconds, written `500ms`, `1s`, `2m`, `1h` or plain seconds; at least `minimum`.
        case duration(minimum: Double)
        /// Bytes, written `512MiB`, `1GiB`, `64KiB`, `1GB` or plain bytes; more than zero.
        case bytes
        /// A ratio from 0 to 1.
        case ratio
        /// A number, at least `minimum`.
        case number(minimum: Double)
        /// true or false (a flag on the command line).
        case boolean
        /// Free text (a name or a path).
        case text

        /// How the value is written, for help and errors.
        public var expected: String {
            switch self {
            case .duration: return "a duration like 500ms, 1s, 2m"
            case .bytes: return "a size like 512MiB or 1GiB"
            case .ratio: return "a ratio between 0 and 1"
            case .number: return "a number"
            case .boolean: return "true or false"
            case .text: return "a string"
            }
        }

        /// The name in the documentation table.
        public var typeName: String {
            switch self {
            case .duration: return "duration"
            case .bytes: return "size"
            case .ratio: return "ratio"
            case .number: return "number"
            case .boolean: return "boolean"
            case .text: return "string"
            }
        }
    }

    /// A parsed value.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case boolean(Bool)
        case text(String)
    }

    /// The YAML key, dotted from the top: `defaults.leak.window`.
    public let key: String
    /// The long command-line flag without dashes (`leak-window`), or nil when it is set in the file only.
    public let flag: String?
    public let kind: Kind
    /// One line of help.
    public let help: String
    /// The default as the documentation shows it (`1s`, `80% of the interval`).
    public let defaultText: String
    let assign: @Sendable (inout Settings, Value) -> Void

    /// The key without its `defaults.` section, as the table shows it.
    public var shortKey: String { key.hasPrefix("defaults.") ? String(key.dropFirst("defaults.".count)) : key }

    /// The help line with its default, for `--help`.
    public var helpWithDefault: String { "\(help) (default \(defaultText))" }

    /// Parses `text` as this setting's kind (the same rules on the command line and in the file).
    ///
    /// - Returns: the value, or what was expected.
    public func parse(_ text: String) -> Result<Value, SettingError> {
        let t = text.trimmingSpaces()
        switch kind {
        case .duration(let minimum):
            guard let v = SettingDeclaration.seconds(t) else {
                return .failure(SettingError(key: key, message: "expected \(kind.expected)"))
            }
            guard v >= minimum else {
                return .failure(
                    SettingError(key: key, message: "must be at least \(SettingDeclaration.durationText(minimum))"))
            }
            return .success(.number(v))
        case .bytes:
            guard let v = SettingDeclaration.bytes(t), v > 0 else {
                return .failure(SettingError(key: key, message: "expected \(kind.expected)"))
            }
            return .success(.number(v))
        case .ratio:
            guard let v = Double(t), v >= 0, v <= 1 else {
                return .failure(SettingError(key: key, message: "expected \(kind.expected)"))
            }
            return .success(.number(v))
        case .number(let minimum):
            guard let v = Double(t), v.isFinite else {
                return .failure(SettingError(key: key, message: "expected \(kind.expected)"))
            }
            guard v >= minimum else { return .failure(SettingError(key: key, message: "must be at least \(minimum)")) }
            return .success(.number(v))
        case .boolean:
            switch t.lowercased() {
            case "true", "yes", "on": return .success(.boolean(true))
            case "false", "no", "off": return .success(.boolean(false))
            default: return .failure(SettingError(key: key, message: "expected \(kind.expected)"))
            }
        case .text:
            guard !t.isEmpty else { return .failure(SettingError(key: key, message: "expected a non-empty string")) }
            return .success(.text(t))
        }
    }

    /// Sets this setting in `settings`.
    public func apply(_ value: Value, to settings: inout Settings) { assign(&settings, value) }

    /// Seconds in `500ms`, `1s`, `2m`, `1h` or plain seconds; nil when it is none of these.
    public static func seconds(_ text: String) -> Double? {
        let t = text.lowercased()
        for (suffix, scale) in [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)] where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v >= 0 { return v * scale }
        }
        if let v = Double(t), v >= 0 { return v }
        return nil
    }

    /// Bytes in `512MiB`, `1GiB`, `64KiB`, `1GB`, `8B` or plain bytes; nil when it is none of these.
    public static func bytes(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let v = Double(String(text.dropLast(suffix.count)).trimmingSpaces()), v >= 0 { return v * scale }
        }
        if let v = Double(text), v >= 0 { return v }
        return nil
    }

    static func durationText(_ seconds: Double) -> String {
        seconds < 1
            ? "\(Int((seconds * 1000).rounded()))ms"
            : seconds.truncatingRemainder(dividingBy: 3600) == 0
                ? "\(Int(seconds / 3600))h"
                : seconds.truncatingRemainder(dividingBy: 60) == 0
                    ? "\(Int(seconds / 60))m" : "\(ByteFormat.trimmed(seconds))s"
    }
}

/// A setting's value that is not of its kind.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The YAML key of the setting.
    public var key: String
    public var message: String
    public var description: String { "'\(key)': \(message)" }
}
