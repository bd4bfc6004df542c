enum OutputFormat: String, Sendable, CaseIterable {
    case json, text
}
