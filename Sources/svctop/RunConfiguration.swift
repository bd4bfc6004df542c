import SvctopCore
import SvctopRender
import SvctopTerminal

/// Everything the dashboard needs, decided before the terminal is touched.
struct RunConfiguration: Sendable {
    var targets: [Target]
    var settings: Settings
    var keyMap: KeyMap
    var theme: Theme
    var forceASCII: Bool
    var colorMode: ColorMode
    var options: TransportOptions
    var dumpMaxBytes: Int = 256 << 20
    var journalPath: String
    var dumpDirectory: String

    /// Request timeout, read from the settings (80% of the interval unless set).
    var timeout: Double { settings.effectiveTimeout }
    var maxBodyBytes: Int { Int(settings.maxBodyBytes) }
    var actionTimeout: Double { settings.actionTimeout }
}
