/// What a piece of the screen is, independent of how it looks. Themes give each role a style.
public enum Role: String, Sendable, CaseIterable {
    case text, dim, border, title, header, selection
    case good, warning, critical, down, accent
    case statusBar = "status_bar", statusKey = "status_key"
    case chartLow = "chart_low", chartMid = "chart_mid", chartHigh = "chart_high"
    case outlier, stale, dialog, dialogTitle = "dialog_title", highlight, match
    case appFrame = "app_frame", stdlibFrame = "stdlib_frame"

    /// The role's position in `allCases` (without hashing it).
    var position: Int {
        switch self {
        case .text: 0
        case .dim: 1
        case .border: 2
        case .title: 3
        case .header: 4
        case .selection: 5
        case .good: 6
        case .warning: 7
        case .critical: 8
        case .down: 9
        case .accent: 10
        case .statusBar: 11
        case .statusKey: 12
        case .chartLow: 13
        case .chartMid: 14
        case .chartHigh: 15
        case .outlier: 16
        case .stale: 17
        case .dialog: 18
        case .dialogTitle: 19
        case .highlight: 20
        case .match: 21
        case .appFrame: 22
        case .stdlibFrame: 23
        }
    }
}
