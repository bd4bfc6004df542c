import Foundation
import SvctopCore
import SvctopPprof

/// Encodes the events of one block of a recording, and decodes them back, with the delta state of the block
/// (readings are written as changes from the stream's previous one; times as microseconds from the previous
/// entry). A codec starts empty at each block, so every block decodes on its own. docs/recording.md is the
/// byte-level description.
public struct RecordCodec {
    private var readings = ReadingCodec()
    private var lastMicros: Int64 = 0

    /// Record kinds, the first byte of each entry.
    enum Kind: UInt8 {
        case tick = 1, scrapeReading, scrapeFailure, probe, logLevel, action, dumpLoaded, dumpFailed
        case profileLoaded, profileFailed, sourceConfigured, sourceRefreshed, sourceHistory, sourceFailed, journal
        case podsChanged, kubernetesFailed, sourceHandlers
    }

    public init() {}

    // MARK: Encoding

    /// Writes `event`, reduced at `time`, as the state that reduced it holds it (a scrape is written as the
    /// reading the state took from it, not as the exposition). Returns false for events that are not recorded
    /// (keys, resizes: the replaying user drives those).
    public mutating func encode(_ event: Event, time: Double, state: AppState, to sink: inout ByteSink) -> Bool {
        guard let recorded = Self.recordable(event, state: state) else { return false }
        return encode(recorded, time: time, to: &sink)
    }

    /// `event` as `encode(_:time:to:)` can write it with no state at hand (so that it can be handed to another
    /// thread), given the state that has just reduced it: a scrape's exposition becomes the reading the state took
    /// from it, with the rejected lines and parse error the state holds (nil when the state kept no reading). Any
    /// other event is returned as it is; `encode` leaves out those a recording does not keep.
    public static func recordable(_ event: Event, state: AppState) -> Event? {
        guard case .scrapeCompleted(let id, .success(_, let duration)) = event else { return event }
        guard state.instances.indices.contains(id), let reading = state.instances[id].reading else { return nil }
        // The fields read in place: a copy of the whole instance (its series, its window) was 1 % of the
        // dashboard's time at 1,000 targets.
        return .scrapeCompleted(
            id,
            .read(
                reading, rejectedLines: state.instances[id].rejectedLines,
                parseError: state.instances[id].lastParseError, duration: duration))
    }

    /// Writes `event` (as `recordable` gives it) at `time`. Returns false for events that are not recorded, and
    /// for a scrape's exposition, which only the state that read it can turn into a reading.
    public mutating func encode(_ event: Event, time: Double, to sink: inout ByteSink) -> Bool {
        var body = ByteSink()
        let kind: Kind
        switch event {
        case .ticked:
            kind = .tick
        case .scrapeCompleted(_, .success):
            return false
        case .scrapeCompleted(let id, .read(let reading, let rejected, let parseError, let duration)):
            kind = .scrapeReading
            body.count(id)
            body.double(duration)
            body.count(rejected)
            Self.writeParseError(parseError, &body)
            readings.write(reading, stream: "i\(id)", to: &body)
        case .scrapeCompleted(let id, .failure(let failure, let duration)):
            kind = .scrapeFailure
            body.count(id)
            body.double(duration)
            Self.writeFailure(failure, &body)
        case .probeCompleted(let id, let probe, let result):
            kind = .probe
            body.count(id)
            body.byte(probe == .liveness ? 0 : 1)
            body.bool(result.isPassing)
            body.signed(Int64(result.status ?? -1))
            body.string(result.detail)
        case .logLevelRead(let id, let level, let error):
            kind = .logLevel
            body.count(id)
            body.optionalString(level)
            body.optionalString(error)
        case .actionCompleted(let id, let action, let result):
            kind = .action
            body.count(id)
            switch action {
            case .setLogLevel(let level):
                body.byte(0)
                body.string(level)
            case .drain: body.byte(1)
            case .undrain: body.byte(2)
            }
            switch result {
            case .succeeded(let status, let text):
                body.byte(0)
                body.signed(Int64(status))
                body.string(text)
            case .rejected(let status, let text):
                body.byte(1)
                body.signed(Int64(status))
                body.string(text)
            case .failed(let reason):
                body.byte(2)
                body.string(reason)
            }
        case .dumpLoaded(let id, let debugLevel, let raw, _, let fetchedAt):
            kind = .dumpLoaded
            body.count(id)
            body.signed(Int64(debugLevel))
            body.double(fetchedAt)
            body.blob(raw)
        case .dumpFailed(let id, let debugLevel, let reason):
            kind = .dumpFailed
            body.count(id)
            body.signed(Int64(debugLevel))
            body.string(reason)
        case .profileLoaded(let id, let raw, let profile, let fetchedAt):
            kind = .profileLoaded
            body.count(id)
            body.string(profile.kind.rawValue)
            body.double(fetchedAt)
            body.blob(raw)
        case .profileFailed(let id, let pprofKind, let failure):
            kind = .profileFailed
            body.count(id)
            body.string(pprofKind.rawValue)
            switch failure {
            case .fetch(let f):
                body.byte(0)
                Self.writeFailure(f, &body)
            case .decode(let text):
                body.byte(1)
                body.string(text)
            }
        case .sourceConfigured(let c):
            kind = .sourceConfigured
            body.double(c.scrapeInterval)
            body.bool(c.isAssumed)
            body.double(c.refreshInterval)
            body.double(c.rateWindow)
        case .sourceRefreshed(let refresh):
            kind = .sourceRefreshed
            body.double(refresh.time)
            body.double(refresh.duration)
            Self.writeStrings(refresh.warnings, &body)
            body.count(refresh.samples.count)
            for key in refresh.samples.keys.sorted() {
                let sample = refresh.samples[key]!
                body.string(key)
                body.optionalDouble(sample.up)
                body.optionalDouble(sample.seen)
                Self.writeLatency(sample.latency, &body)
                readings.write(sample.reading, stream: "s" + key, to: &body)
            }
        case .sourceHistoryLoaded(let history):
            kind = .sourceHistory
            body.bool(history.isFull)
            Self.writeStrings(history.warnings, &body)
            body.count(history.series.count)
            for (key, tags) in history.series {
                body.string(key)
                body.count(tags.count)
                for (tag, points) in tags {
                    body.string(tag.label)
                    body.count(points.count)
                    for p in points {
                        body.double(p.time)
                        body.double(p.value)
                    }
                }
            }
        case .sourceHandlersLoaded(let handlers):
            kind = .sourceHandlers
            body.string(handlers.key)
            body.double(handlers.time)
            body.count(handlers.handlers.count)
            for h in handlers.handlers {
                body.string(h.handler)
                Self.writeLatency(h.summary, &body)
            }
        case .sourceFailed(let text):
            kind = .sourceFailed
            body.string(text)
        case .podsChanged(let change):
            // Rare (a pod appears, changes or goes): JSON keeps it simple and readable by later versions.
            kind = .podsChanged
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            body.string(String(decoding: (try? encoder.encode(change)) ?? Data(), as: UTF8.self))
        case .kubernetesFailed(let text):
            kind = .kubernetesFailed
            body.string(text)
        case .keyPressed, .resized, .suspendRequested, .dumpRegrouped, .dumpSaved, .profileSaved, .bundleWritten,
            // Where a port-forward landed says nothing about the service; its scrapes say the rest.
            .podForwarded, .podForwardFailed:
            return false
        }
        writeHeader(kind, time: time, to: &sink)
        sink.bytes.append(contentsOf: body.bytes)
        return true
    }

    /// Writes a journal line (JSON, as the journal file has it).
    public mutating func encode(journal entry: JournalEntry, time: Double, to sink: inout ByteSink) {
        writeHeader(.journal, time: time, to: &sink)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        sink.string(String(decoding: (try? encoder.encode(entry)) ?? Data("{}".utf8), as: UTF8.self))
    }

    private mutating func writeHeader(_ kind: Kind, time: Double, to sink: inout ByteSink) {
        sink.byte(kind.rawValue)
        let micros = Self.micros(time)
        sink.signed(micros &- lastMicros)
        lastMicros = micros
    }

    static func micros(_ time: Double) -> Int64 {
        guard time.isFinite, abs(time) < 9.0e12 else { return 0 }
        return Int64((time * 1_000_000).rounded())
    }

    /// p50, p90, p99, rate, error ratio: five optional numbers.
    static func writeLatency(_ l: LatencySummary, _ sink: inout ByteSink) {
        for v in [l.p50, l.p90, l.p99, l.rate, l.errorRatio] { sink.optionalDouble(v) }
    }

    static func writeStrings(_ strings: [String], _ sink: inout ByteSink) {
        sink.count(strings.count)
        for s in strings { sink.string(s) }
    }

    static func writeParseError(_ e: ExpositionError?, _ sink: inout ByteSink) {
        sink.bool(e != nil)
        guard let e else { return }
        sink.count(e.line)
        sink.count(e.column)
        sink.string(e.expected)
        sink.string(e.found)
        sink.string(e.snippet)
    }

    static func writeFailure(_ f: ScrapeFailure, _ sink: inout ByteSink) {
        switch f {
        case .refused: sink.byte(0)
        case .timeout: sink.byte(1)
        case .dns(let d):
            sink.byte(2)
            sink.string(d)
        case .tls(let d):
            sink.byte(3)
            sink.string(d)
        case .reset: sink.byte(4)
        case .httpStatus(let code, let line):
            sink.byte(5)
            sink.signed(Int64(code))
            sink.string(line)
        case .sizeCap(let limit):
            sink.byte(6)
            sink.signed(Int64(limit))
        case .parse(let d):
            sink.byte(7)
            sink.string(d)
        case .unsupported(let d):
            sink.byte(8)
            sink.string(d)
        case .other(let d):
            sink.byte(9)
            sink.string(d)
        case .gone: sink.byte(10)
        case .sourceDown: sink.byte(11)
        }
    }

    // MARK: Decoding

    /// Reads the next entry. Recorded dumps and profiles are parsed again from their bytes (the dump parser, the
    /// pprof decoder), as the live run parsed them.
    public mutating func decode(from source: inout ByteSource) throws(RecordingError) -> RecordEntry {
        guard let kind = Kind(rawValue: try source.byte()) else { throw .corrupt("an unknown record kind") }
        lastMicros = lastMicros &+ (try source.signed())
        let time = Double(lastMicros) / 1_000_000
        func id() throws(RecordingError) -> InstanceID { try source.count(max: 1 << 24) }
        let event: Event
        switch kind {
        case .tick:
            event = .ticked
        case .scrapeReading:
            let i = try id()
            let duration = try source.double()
            let rejected = try source.count()
            let parseError = try Self.readParseError(&source)
            let reading = try readings.read(stream: "i\(i)", from: &source)
            event = .scrapeCompleted(
                i, .read(reading, rejectedLines: rejected, parseError: parseError, duration: duration))
        case .scrapeFailure:
            let i = try id()
            let duration = try source.double()
            event = .scrapeCompleted(i, .failure(try Self.readFailure(&source), duration: duration))
        case .probe:
            let i = try id()
            let probe: ProbeKind = try source.byte() == 0 ? .liveness : .readiness
            let passing = try source.bool()
            let status = try source.signed()
            let detail = try source.string()
            event = .probeCompleted(
                i, probe, ProbeResult(isPassing: passing, status: status < 0 ? nil : Int(status), detail: detail))
        case .logLevel:
            let i = try id()
            event = .logLevelRead(i, level: try source.optionalString(), error: try source.optionalString())
        case .action:
            let i = try id()
            let action: ActionKind
            switch try source.byte() {
            case 0: action = .setLogLevel(try source.string())
            case 1: action = .drain
            case 2: action = .undrain
            default: throw .corrupt("an unknown action")
            }
            let result: ActionResult
            switch try source.byte() {
            case 0: result = .succeeded(status: Int(try source.signed()), body: try source.string())
            case 1: result = .rejected(status: Int(try source.signed()), body: try source.string())
            case 2: result = .failed(try source.string())
            default: throw .corrupt("an unknown action result")
            }
            event = .actionCompleted(i, action, result)
        case .dumpLoaded:
            let i = try id()
            let debugLevel = Int(try source.signed())
            let fetchedAt = try source.double()
            let raw = try source.blob()
            event = .dumpLoaded(
                i, debugLevel: debugLevel, raw: raw, dump: GoroutineDumpParser.parse(raw), fetchedAt: fetchedAt)
        case .dumpFailed:
            let i = try id()
            event = .dumpFailed(i, debugLevel: Int(try source.signed()), reason: try source.string())
        case .profileLoaded:
            let i = try id()
            let pprofKind = PprofKind(rawValue: try source.string()) ?? .heap
            let fetchedAt = try source.double()
            let raw = try source.blob()
            do {
                let profile = try PprofDecoder.decode(raw, kind: pprofKind)
                event = .profileLoaded(i, raw: raw, profile: profile, fetchedAt: fetchedAt)
            } catch {
                event = .profileFailed(i, pprofKind, error)
            }
        case .profileFailed:
            let i = try id()
            let pprofKind = PprofKind(rawValue: try source.string()) ?? .heap
            switch try source.byte() {
            case 0: event = .profileFailed(i, pprofKind, .fetch(try Self.readFailure(&source)))
            case 1: event = .profileFailed(i, pprofKind, .decode(try source.string()))
            default: throw .corrupt("an unknown profile failure")
            }
        case .sourceConfigured:
            event = .sourceConfigured(
                SourceConfiguration(
                    scrapeInterval: try source.double(), isAssumed: try source.bool(),
                    refreshInterval: try source.double(), rateWindow: try source.double()))
        case .sourceRefreshed:
            let at = try source.double()
            let duration = try source.double()
            let warnings = try Self.readStrings(&source)
            let n = try source.count(max: 1 << 22)
            var samples: [String: SourceSample] = [:]
            for _ in 0..<n {
                let key = try source.string()
                var sample = SourceSample()
                sample.up = try source.optionalDouble()
                sample.seen = try source.optionalDouble()
                sample.latency = try Self.readLatency(&source)
                sample.reading = try readings.read(stream: "s" + key, from: &source)
                samples[key] = sample
            }
            event = .sourceRefreshed(SourceRefresh(time: at, samples: samples, warnings: warnings, duration: duration))
        case .sourceHistory:
            let isFull = try source.bool()
            let warnings = try Self.readStrings(&source)
            var series: [String: [PromQueries.Tag: [TimeSeries.Point]]] = [:]
            for _ in 0..<(try source.count(max: 1 << 22)) {
                let key = try source.string()
                var tags: [PromQueries.Tag: [TimeSeries.Point]] = [:]
                for _ in 0..<(try source.count(max: 1 << 10)) {
                    let label = try source.string()
                    var points: [TimeSeries.Point] = []
                    for _ in 0..<(try source.count(max: 1 << 22)) {
                        points.append(TimeSeries.Point(time: try source.double(), value: try source.double()))
                    }
                    if let tag = PromQueries.Tag(label: label) { tags[tag] = points }
                }
                series[key] = tags
            }
            event = .sourceHistoryLoaded(SourceHistory(series: series, isFull: isFull, warnings: warnings))
        case .sourceHandlers:
            let key = try source.string()
            let time = try source.double()
            var handlers: [HandlerLatency] = []
            for _ in 0..<(try source.count(max: 1 << 16)) {
                let name = try source.string()
                handlers.append(HandlerLatency(handler: name, summary: try Self.readLatency(&source)))
            }
            event = .sourceHandlersLoaded(SourceHandlers(key: key, time: time, handlers: handlers))
        case .sourceFailed:
            event = .sourceFailed(try source.string())
        case .podsChanged:
            let text = try source.string()
            guard let change = try? JSONDecoder().decode(PodChange.self, from: Data(text.utf8)) else {
                throw .corrupt("a pod change that is not JSON")
            }
            event = .podsChanged(change)
        case .kubernetesFailed:
            event = .kubernetesFailed(try source.string())
        case .journal:
            let text = try source.string()
            guard let entry = try? JSONDecoder().decode(JournalEntry.self, from: Data(text.utf8)) else {
                throw .corrupt("a journal line that is not JSON")
            }
            return RecordEntry(time: time, recorded: .journal(entry))
        }
        return RecordEntry(time: time, recorded: .event(event))
    }

    static func readLatency(_ source: inout ByteSource) throws(RecordingError) -> LatencySummary {
        LatencySummary(
            p50: try source.optionalDouble(), p90: try source.optionalDouble(), p99: try source.optionalDouble(),
            rate: try source.optionalDouble(), errorRatio: try source.optionalDouble())
    }

    static func readStrings(_ source: inout ByteSource) throws(RecordingError) -> [String] {
        var out: [String] = []
        for _ in 0..<(try source.count(max: 1 << 16)) { out.append(try source.string()) }
        return out
    }

    static func readParseError(_ source: inout ByteSource) throws(RecordingError) -> ExpositionError? {
        guard try source.bool() else { return nil }
        return ExpositionError(
            line: try source.count(), column: try source.count(), expected: try source.string(),
            found: try source.string(), snippet: try source.string())
    }

    static func readFailure(_ source: inout ByteSource) throws(RecordingError) -> ScrapeFailure {
        switch try source.byte() {
        case 0: return .refused
        case 1: return .timeout
        case 2: return .dns(try source.string())
        case 3: return .tls(try source.string())
        case 4: return .reset
        case 5: return .httpStatus(Int(try source.signed()), try source.string())
        case 6: return .sizeCap(Int(try source.signed()))
        case 7: return .parse(try source.string())
        case 8: return .unsupported(try source.string())
        case 9: return .other(try source.string())
        case 10: return .gone
        case 11: return .sourceDown
        default: throw .corrupt("an unknown failure")
        }
    }
}
