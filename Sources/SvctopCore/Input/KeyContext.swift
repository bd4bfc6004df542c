/// Where a binding applies: a view, or the dialog that has the keyboard.
public enum KeyContext: String, Sendable, CaseIterable, Hashable {
    case fleet, instance, dump, pprof, help
    /// A confirmation (drain, undrain, log level, full dump).
    case dialog
    /// The log-level chooser.
    case levelChooser
    /// The question on quit after svctop changed log levels.
    case quitDialog
    /// The CPU profile's confirmation, with its length.
    case profileDialog

    /// The title of this context on the help screen.
    public var title: String {
        switch self {
        case .fleet: return "Fleet"
        case .instance: return "Instance"
        case .dump: return "Goroutine dump"
        case .pprof: return "Profile"
        case .help: return "Help"
        case .dialog: return "Confirmation dialogs"
        case .levelChooser: return "Log-level chooser"
        case .quitDialog: return "Restore levels on quit"
        case .profileDialog: return "CPU profile dialog"
        }
    }
}
