import Glibc

/// The open-file limit. The scrape engine keeps three connections per target (metrics, liveness, readiness), so
/// hundreds of targets need more descriptors than the usual soft limit of 1,024; like Go's runtime, svctop raises
/// the soft limit to the hard limit at startup.
enum FileLimit {
    /// Raises the soft limit to the hard one.
    ///
    /// - Returns: a warning when even the hard limit is below `needed`, nil otherwise.
    static func raise(needed: Int) -> String? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        guard limit.rlim_cur < rlim_t(needed) else { return nil }
        return "svctop: the open-file limit is \(limit.rlim_cur), and the targets' connections need about "
            + "\(needed); raise it (ulimit -n) or some targets will fail with \"too many open files\""
    }
}
