/// A modal question. Confirmation is a mode of the state, never a blocking call: keys go to the dialog.
public struct Dialog: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Pick a level for these instances.
        case chooseLevel([InstanceID])
        case setLevel([InstanceID], level: String, revertAfter: Double?)
        case drain([InstanceID])
        case undrain([InstanceID])
        /// debug=2 stops the world while it formats; warn first.
        case fullDump(InstanceID)
        /// A CPU profile of this many seconds (it costs the service CPU while it runs).
        case cpuProfile(InstanceID, seconds: Int)
        /// svctop changed levels; offer to put them back before quitting.
        case restoreLevelsOnQuit
    }

    public var kind: Kind
    /// Why a guard rail refuses this action (it can only proceed after an explicit override).
    public var guardRefusal: String?
    public var isOverridden = false

    public init(kind: Kind, guardRefusal: String? = nil) {
        self.kind = kind
        self.guardRefusal = guardRefusal
    }

    /// True while the dialog waits for the override key before it can be confirmed.
    public var needsOverride: Bool { guardRefusal != nil && !isOverridden }

    /// The key-map context that answers this dialog.
    public var keyContext: KeyContext {
        switch kind {
        case .chooseLevel: return .levelChooser
        case .restoreLevelsOnQuit: return .quitDialog
        case .cpuProfile: return .profileDialog
        default: return .dialog
        }
    }
}
