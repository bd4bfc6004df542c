/// What a piece of the screen is, independent of how it looks. Themes give each role a style.
public enum Role: String, Sendable, CaseIterable {
    case text, dim, border, title, header, selection
    case good, warning, critical, down, accent
    case statusBar = "status_bar", statusKey = "status_key"
    case chartLow = "chart_low", chartMid = "chart_mid", chartHigh = "chart_high"
    case outlier, stale, dialog, dialogTitle = "dialog_title", highlight, match
    case appFrame = "app_frame", stdlibFrame = "stdlib_frame"
}
