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
    var timeout: Double
    var maxBodyBytes: Int
    var dumpMaxBytes: Int = 256 << 20
    var actionTimeout: Double = 10
    var journalPath: String
    var dumpDirectory: String
}
