/// Why svctop changes a log level; the journal records it.
public enum LogLevelChange {
    public static let manual = "manual"
    public static let timed = "timed"
    public static let timedRevert = "timed revert"
    public static let restoreOnExit = "restore on exit"
}
