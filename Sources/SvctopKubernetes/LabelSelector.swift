/// A workload's pod selector (`spec.selector` of apps/v1 objects, or a service's label map) as the text the list
/// API's `labelSelector` takes.
struct LabelSelector: Decodable, Sendable {
    struct Requirement: Decodable, Sendable {
        var key: String
        var `operator`: String
        var values: [String]?
    }
    var matchLabels: [String: String]?
    var matchExpressions: [Requirement]?

    /// `app=api,tier in (web,edge),!canary`; nil when it selects nothing in particular (empty).
    var text: String? {
        var parts = (matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for r in matchExpressions ?? [] {
            let values = (r.values ?? []).joined(separator: ",")
            switch r.operator {
            case "In": parts.append("\(r.key) in (\(values))")
            case "NotIn": parts.append("\(r.key) notin (\(values))")
            case "Exists": parts.append(r.key)
            case "DoesNotExist": parts.append("!\(r.key)")
            default: continue
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
    }

    static func text(labels: [String: String]) -> String? {
        LabelSelector(matchLabels: labels, matchExpressions: nil).text
    }
}
