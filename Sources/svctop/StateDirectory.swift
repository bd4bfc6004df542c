import Foundation

/// Where svctop keeps its state: `$XDG_STATE_HOME/svctop`, or `~/.local/state/svctop`.
enum StateDirectory {
    static var path: String {
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return base + "/svctop"
    }
}
