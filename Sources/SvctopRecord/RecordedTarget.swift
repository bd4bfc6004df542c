import SvctopCore

/// A watched instance as a recording keeps it: its name, its address without credentials or query, and its
/// profile. Never its headers, tokens or TLS material.
public struct RecordedTarget: Codable, Sendable, Equatable {
    public var name: String
    public var address: String
    public var profile: Profile
    public var sourceKey: String?

    public init(_ target: Target) {
        name = target.name
        address = RecordedTarget.withoutSecrets(target.baseURL)
        profile = target.profile
        sourceKey = target.sourceKey
    }

    /// The target a replay shows.
    public var target: Target { Target(name: name, baseURL: address, profile: profile, sourceKey: sourceKey) }

    /// A URL without `user:password@` and without its query (where tokens hide).
    public static func withoutSecrets(_ url: String) -> String {
        var text = url
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            if let at = rest[..<hostEnd].lastIndex(of: "@") {
                text = String(text[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
            }
        }
        return text
    }
}
