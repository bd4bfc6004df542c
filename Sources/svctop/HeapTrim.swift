import CSvctopSys

/// Freed memory the allocator keeps. Each thread that allocates (the event loops scraping, the dashboard's loop)
/// gets an arena of its own; what a scrape or a frame frees stays inside its arena, counted in RSS, until that arena
/// is trimmed, and glibc trims only the free space at an arena's top. A dashboard watching a thousand targets for an
/// hour holds tens of MiB that way; trimming every arena now and then gives the free pages inside them back.
enum HeapTrim {
    /// How often the arenas are trimmed: a trim walks every free chunk, a few milliseconds at a thousand targets.
    static let interval: Duration = .seconds(60)

    /// Gives the free pages of every arena back to the kernel.
    ///
    /// - Returns: true when memory was given back.
    @discardableResult
    static func trim() -> Bool { svctop_trim_heap() == 1 }
}
