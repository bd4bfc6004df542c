extension SettingDeclaration {
    /// Every setting, in the order the documentation lists them.
    public static let all: [SettingDeclaration] = [
        duration("defaults.interval", flag: "interval", "Scrape interval", \.interval, minimum: 0.05),
        SettingDeclaration(
            key: "defaults.timeout", flag: "timeout", kind: .duration(minimum: 0.001), help: "Request timeout",
            defaultText: "80% of the interval", assign: { s, v in if case .number(let x) = v { s.timeout = x } }),
        size(
            "defaults.max_body", flag: "max-body", "Largest accepted response (larger is refused as too large)",
            \.maxBodyBytes),
        duration(
            "defaults.latency_window", flag: "latency-window", "Window for p50/p90/p99, request rate and error ratio",
            \.latencyWindow, minimum: 1),
        duration(
            "defaults.history", flag: "history",
            "History kept per series (charts, trends); past 10 min, the largest of every 10 points", \.history,
            minimum: 60),
        duration(
            "defaults.action_timeout", flag: "action-timeout", "Timeout of log-level, drain and undrain requests",
            \.actionTimeout, minimum: 0.1),
        SettingDeclaration(
            key: "defaults.read_only", flag: "read-only", kind: .boolean,
            help: "Remove log-level, drain and undrain: svctop changes nothing", defaultText: "false",
            assign: { s, v in if case .boolean(let b) = v { s.isReadOnly = b } }),
        SettingDeclaration(
            key: "defaults.theme", flag: "theme", kind: .text,
            help: "Theme: dark, light, high-contrast, monochrome, or a YAML file",
            defaultText: "dark", assign: { s, v in if case .text(let t) = v { s.theme = t } }),
        SettingDeclaration(
            key: "defaults.journal", flag: "journal", kind: .text, help: "Audit journal file",
            defaultText: "$XDG_STATE_HOME/svctop/journal.jsonl",
            assign: { s, v in if case .text(let t) = v { s.journal = t } }),
        SettingDeclaration(
            key: "defaults.dump_dir", flag: "dump-dir", kind: .text,
            help: "Directory for saved goroutine dumps and profiles",
            defaultText: "$XDG_STATE_HOME/svctop/dumps",
            assign: { s, v in if case .text(let t) = v { s.dumpDirectory = t } }),
        number(
            "defaults.stale_after", "Data older than this many intervals is shown stale", \.staleAfterIntervals,
            minimum: 1),
        duration("defaults.leak.window", "Window of the goroutine leak trend", \.leakWindow, minimum: 10),
        number(
            "defaults.leak.min_slope_per_minute", "Rise, in goroutines a minute, that makes a leak warning",
            \.leakMinSlopePerMinute),
        ratio("defaults.leak.min_fit", "Goodness of fit (R²) the rise needs for a leak warning", \.leakMinFit),
        duration(
            "defaults.memory.trend_window", "Window of the memory growth behind the OOM estimate", \.memoryTrendWindow,
            minimum: 10),
        ratio("defaults.memory.warning", "Memory / limit ratio that warns", \.memoryWarning),
        ratio("defaults.memory.critical", "Memory / limit ratio that is critical", \.memoryCritical),
        ratio("defaults.pools.warning", "Pool (workers, queue, DB) saturation that warns", \.poolWarning),
        ratio("defaults.pools.critical", "Pool saturation that is critical", \.poolCritical),
        ratio("defaults.errors.warning", "5xx share of requests that warns", \.errorWarning),
        ratio("defaults.errors.critical", "5xx share of requests that is critical", \.errorCritical),
        number(
            "defaults.outlier_factor", "A p99 or goroutine count this many times the fleet median is an outlier (◆)",
            \.outlierFactor, minimum: 1),
        duration(
            "defaults.drain.timeout", "How long svctop follows a drain before calling it timed out", \.drainTimeout,
            minimum: 1),
        ratio(
            "defaults.drain.max_share", "Largest share of the fleet out of service without an override", \.maxDrainShare
        ),
        number(
            "defaults.full_dump_warn_goroutines",
            "Goroutines above which a debug=2 dump warns that it pauses the service",
            \.fullDumpWarnGoroutines),
        duration(
            "defaults.timed_debug", "How long `t` in the log-level chooser keeps debug before reverting",
            \.timedDebugDuration, minimum: 1),
        duration(
            "defaults.profile.cpu_seconds", "Length of a CPU profile (`p`), adjustable in its dialog",
            \.cpuProfileSeconds, minimum: 1),
        size("defaults.profile.max_size", "Largest accepted CPU or heap profile, as served (gzip)", \.maxProfileBytes),
        duration(
            "defaults.probe_interval", flag: "probe-interval",
            "How often passing liveness and readiness are probed (every interval once one fails, and for the instance open or acted on)",
            \.probeInterval, minimum: 0.05),
        duration("defaults.log_level_refresh", "How often the log level is read", \.logLevelRefresh, minimum: 1),
        size(
            "defaults.record.max_size", flag: "record-max-size",
            "Flight recordings kept under the state directory, in all (the oldest go first)", \.recordMaxBytes),
        duration(
            "defaults.record.max_age", flag: "record-max-age", "Flight recordings older than this are deleted",
            \.recordMaxAge, minimum: 60),
    ]

    /// The declaration with this YAML key.
    public static func named(_ key: String) -> SettingDeclaration? { all.first { $0.key == key } }

    /// The declaration with this command-line flag.
    public static func flagged(_ flag: String) -> SettingDeclaration? { all.first { $0.flag == flag } }

    // MARK: Builders: the default text is read from `Settings()` so it cannot drift from the code.

    static func duration(
        _ key: String, flag: String? = nil, _ help: String, _ path: WritableKeyPath<Settings, Double> & Sendable,
        minimum: Double
    ) -> SettingDeclaration {
        SettingDeclaration(
            key: key, flag: flag, kind: .duration(minimum: minimum), help: help,
            defaultText: durationText(Settings()[keyPath: path]),
            assign: { s, v in if case .number(let x) = v { s[keyPath: path] = x } })
    }

    static func size(
        _ key: String, flag: String? = nil, _ help: String, _ path: WritableKeyPath<Settings, Double> & Sendable
    ) -> SettingDeclaration {
        SettingDeclaration(
            key: key, flag: flag, kind: .bytes, help: help, defaultText: sizeText(Settings()[keyPath: path]),
            assign: { s, v in if case .number(let x) = v { s[keyPath: path] = x } })
    }

    /// 16777216 → "16MiB".
    static func sizeText(_ bytes: Double) -> String {
        for (unit, scale) in [("GiB", 1_073_741_824.0), ("MiB", 1_048_576.0), ("KiB", 1024.0)] where bytes >= scale {
            return "\(ByteFormat.trimmed((bytes / scale * 10).rounded() / 10))\(unit)"
        }
        return "\(Int(bytes))B"
    }

    static func ratio(
        _ key: String, flag: String? = nil, _ help: String, _ path: WritableKeyPath<Settings, Double> & Sendable
    ) -> SettingDeclaration {
        SettingDeclaration(
            key: key, flag: flag, kind: .ratio, help: help, defaultText: ByteFormat.trimmed(Settings()[keyPath: path]),
            assign: { s, v in if case .number(let x) = v { s[keyPath: path] = x } })
    }

    static func number(
        _ key: String, flag: String? = nil, _ help: String, _ path: WritableKeyPath<Settings, Double> & Sendable,
        minimum: Double = 0
    ) -> SettingDeclaration {
        SettingDeclaration(
            key: key, flag: flag, kind: .number(minimum: minimum), help: help,
            defaultText: ByteFormat.trimmed(Settings()[keyPath: path]),
            assign: { s, v in if case .number(let x) = v { s[keyPath: path] = x } })
    }
}

extension SettingDeclaration {
    /// The documentation table (Markdown) of every setting: docs/configuration.md embeds it, and a test fails
    /// when the two differ.
    public static func markdownTable() -> String {
        var out = "| key under `defaults:` | flag | type | default | meaning |\n|---|---|---|---|---|\n"
        for d in all {
            let flag = d.flag.map { "`--\($0)`" } ?? "file only"
            out += "| `\(d.shortKey)` | \(flag) | \(d.kind.typeName) | \(d.defaultText) | \(d.help) |\n"
        }
        return out
    }
}
