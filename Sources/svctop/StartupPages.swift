import CSvctopSys

/// The binary's pages that start-up reads and the steady state does not: the relocations of a position-independent
/// executable, the symbol tables kept for backtraces, set-up code. They stay mapped, and counted in RSS, until the
/// kernel needs the memory; a dashboard left open for hours on a bastion host gives them back once it is running.
/// Only read-only mappings of the executable are advised (code and data it has written stay), and a page still in
/// use faults back in when it is next touched.
enum StartupPages {
    /// How long after start the pages are given back: past the first frames, the first scrapes and their replies.
    static let delay: Duration = .seconds(20)

    /// Asks the kernel to reclaim the executable's read-only pages.
    ///
    /// - Returns: the bytes of mappings advised, or nil when the kernel cannot do it (before Linux 5.4).
    @discardableResult
    static func release() -> Int? {
        let advised = svctop_release_startup_pages()
        return advised < 0 ? nil : advised
    }
}
