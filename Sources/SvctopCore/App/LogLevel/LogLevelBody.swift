/// Reads zap's AtomicLevel handler bodies: `{"level":"info"}` and `{"error":"..."}`.
///
/// A field scanner, not a JSON parser: it finds `"name"` followed by `:` and a string, and unescapes `\"`,
/// `\\` and `\n`. That is all zap's handler writes.
public enum LogLevelBody {
    /// The level in a `{"level":"..."}` body.
    public static func level(from body: String) -> String? { field("level", in: body) }
    /// The message in a `{"error":"..."}` body.
    public static func error(from body: String) -> String? { field("error", in: body) }

    static func field(_ name: String, in body: String) -> String? {
        let key = Array("\"\(name)\"".utf8)
        let bytes = Array(body.utf8)
        guard key.count <= bytes.count,
            let start = (0...(bytes.count - key.count)).first(where: { bytes[$0..<$0 + key.count].elementsEqual(key) })
        else { return nil }
        var rest = Substring(decoding: bytes[(start + key.count)...], as: UTF8.self).drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        var out = ""
        var escaped = false
        for c in rest {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                return out
            } else {
                out.append(c)
            }
        }
        return nil
    }
}
