import Foundation

/// Writes to stdout and stderr with plain `write(2)`: a closed pipe (`svctop --once | head`) ends the output
/// quietly instead of crashing.
enum Output {
    static func out(_ text: String) { write(STDOUT_FILENO, text) }
    static func error(_ text: String) { write(STDERR_FILENO, text.hasSuffix("\n") ? text : text + "\n") }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(n)
        }
    }
}
