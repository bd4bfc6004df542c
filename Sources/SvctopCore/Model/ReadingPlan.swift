import Synchronization

/// A profile laid out for reading scrapes by position: every name it can read is numbered (by the `SampleFilter`
/// that also tells the parser which lines to keep), and each signal's candidates are kept with the numbers of
/// their names, so a scrape is mapped to a `Reading` without a string built or hashed per sample.
///
/// A scrape is read in one pass (`read(_:format:)`): each kept sample adds its value to its name's sum, and the
/// samples whose labels the reading looks at (a latency histogram's buckets and counts, summary quantiles) keep
/// those labels only. No `MetricSet` is built; `Reading(metrics:profile:)` maps a parsed set through the same
/// plan, so both give the same reading.
public struct ReadingPlan: Sendable {
    /// The profile a scrape is mapped through; plans of profiles that read the same names (pods whose profiles
    /// differ only in their memory limit) share everything else.
    public private(set) var profile: Profile
    /// The names the profile reads; a sample's number is its position here.
    public let filter: SampleFilter

    /// A scalar signal's candidate: its name and its `_total` form, with their numbers.
    struct Candidate: Sendable {
        var name: String
        var position: Int
        var totalName: String
        var total: Int
    }

    /// A histogram or summary name (latency, GC pauses) and the numbers of its series.
    struct Family: Sendable {
        var name: String
        var position: Int
        var bucket: Int
        var count: Int
    }

    /// Each signal's candidates, by the signal's place in `Signal.allCases` (an array: no hashing per signal).
    private let scalars: [[Candidate]]
    let limits: [Candidate]
    let gcFamilies: [Family]
    let latencyFamilies: [Family]

    /// Which labels a sample of each number keeps.
    struct Kept: OptionSet, Sendable {
        let rawValue: UInt8
        static let le = Kept(rawValue: 1)
        static let quantile = Kept(rawValue: 2)
        static let handler = Kept(rawValue: 4)
        static let code = Kept(rawValue: 8)
    }
    let kept: [Kept]
    let handlerLabel: [UInt8]

    public init(profile: Profile) {
        self.profile = profile
        let filter = SampleFilter(profile: profile)
        self.filter = filter
        // Every name below is one SampleFilter(profile:) keeps: a candidate with each of its suffixes.
        func number(_ name: String) -> Int { filter.position(name) ?? -1 }
        func candidates(_ signal: Signal) -> [Candidate] {
            profile.candidates(signal).filter { !$0.isEmpty }.map {
                Candidate(name: $0, position: number($0), totalName: $0 + "_total", total: number($0 + "_total"))
            }
        }
        func families(_ signal: Signal) -> [Family] {
            profile.candidates(signal).filter { !$0.isEmpty }.map {
                Family(name: $0, position: number($0), bucket: number($0 + "_bucket"), count: number($0 + "_count"))
            }
        }
        scalars = Signal.allCases.map { signal in
            signal == .latency || signal == .gcDuration || signal == .memoryLimit ? [] : candidates(signal)
        }
        limits = candidates(.memoryLimit)
        gcFamilies = families(.gcDuration)
        latencyFamilies = families(.latency)
        var kept = [Kept](repeating: [], count: filter.count)
        for family in gcFamilies where family.position >= 0 { kept[family.position].insert(.quantile) }
        for family in latencyFamilies {
            if family.position >= 0 { kept[family.position].formUnion([.quantile, .handler]) }
            if family.bucket >= 0 { kept[family.bucket].formUnion([.le, .handler]) }
            if family.count >= 0 { kept[family.count].formUnion([.handler, .code]) }
        }
        self.kept = kept
        handlerLabel = Array(profile.handlerLabel.utf8)
    }

    func candidates(_ signal: Signal) -> [Candidate] { scalars[signal.ordinal] }

    /// One plan per set of names read, shared by the targets that read them: a thousand targets of one profile
    /// hold one; pods whose profiles differ only in their memory limit (or the one handler they time) share its
    /// tables too.
    private static let known = Mutex<[ReadingPlan]>([])

    /// The plan of `profile`, its tables made once per set of names.
    public static func of(_ profile: Profile) -> ReadingPlan {
        known.withLock { known in
            if let found = known.first(where: { $0.reads(like: profile) }) {
                var plan = found
                plan.profile = profile
                return plan
            }
            let plan = ReadingPlan(profile: profile)
            if known.count < 32 { known.append(plan) }
            return plan
        }
    }

    /// True when `profile` reads the same names and labels as this plan's.
    func reads(like profile: Profile) -> Bool {
        self.profile.signals == profile.signals && self.profile.handlerLabel == profile.handlerLabel
    }

    /// A scrape read through the plan: its reading, how many of its samples the profile reads, and what the parser
    /// rejected.
    public struct Scrape: Sendable {
        public var reading: Reading
        public var samples: Int
        public var rejectedLines: Int
        public var firstError: ExpositionError?
    }

    /// Parses an exposition and maps it through the profile in one pass, keeping only the names the profile reads
    /// (other lines are skipped after their name, as `MetricSet.parse(_:format:keepsHelp:only:)` skips them).
    public func read(_ buffer: UnsafeBufferPointer<UInt8>, format: ExpositionFormat) -> Scrape {
        var parser = ExpositionParser(bytes: buffer, format: format)
        parser.only = filter
        var input = ReadingInput(count: filter.count)
        var rejected = 0
        var firstError: ExpositionError?
        var samples = 0
        // The last handler label's bytes and text: a handler's series come one after another.
        var lastHandler: Range<Int> = 0..<0
        var lastHandlerText: String?
        // What the last labelled line's labels but its last gave (a next line may repeat them).
        var carried = (labels: ReadingInput.Labels(), sawLe: false, sawQuantile: false)
        loop: while true {
            switch parser.next() {
            case .end:
                break loop
            case .sample:
                samples += 1
                let position = parser.wanted
                input.add(position, parser.value)
                let kept = self.kept[position]
                guard !kept.isEmpty else { continue }
                var labels = ReadingInput.Labels()
                var sawLe = false
                var sawQuantile = false
                let count = parser.labelCount
                var k = 0
                if parser.repeatedLabels > 0 && parser.repeatedLabels < count {
                    // The labels the last line had too were read there: start from what they gave.
                    (labels, sawLe, sawQuantile) = carried
                    k = parser.repeatedLabels
                }
                // Each label on its own: a profile's handler label may be named like one of the others.
                while k < count {
                    if k == count - 1 { carried = (labels, sawLe, sawQuantile) }
                    let span = parser.label(at: k)
                    k += 1
                    if kept.contains(.le), !sawLe, parser.bytesEqual(span.name, "le") {
                        sawLe = true
                        labels.le = parser.labelNumber(span)
                    }
                    if kept.contains(.quantile), !sawQuantile, parser.bytesEqual(span.name, "quantile") {
                        sawQuantile = true
                        labels.quantile = parser.labelNumber(span)
                    }
                    if kept.contains(.code), !labels.hasCode, parser.bytesEqual(span.name, "code") {
                        labels.hasCode = true
                        labels.isError = !span.value.isEmpty && buffer[span.value.lowerBound] == UInt8(ascii: "5")
                    }
                    if kept.contains(.handler), labels.handler == nil, parser.bytesEqual(span.name, handlerLabel) {
                        if lastHandlerText == nil || !parser.bytesEqual(span.value, lastHandler) {
                            lastHandler = span.value
                            lastHandlerText = parser.labelValue(span)
                        }
                        labels.handler = lastHandlerText
                    }
                }
                input.labelled.append(.init(position: Int32(position), value: parser.value, labels: labels))
            case .invalid:
                rejected += 1
                if firstError == nil { firstError = parser.error }
            case .type, .help, .unit, .comment, .eof:
                continue
            }
        }
        return Scrape(
            reading: Reading(input, plan: self), samples: samples, rejectedLines: rejected, firstError: firstError)
    }

    /// The samples of a parsed set that the profile reads, as `read(_:format:)` gathers them.
    func input(_ metrics: MetricSet) -> ReadingInput {
        var input = ReadingInput(count: filter.count)
        for sample in metrics.samples {
            guard let position = filter.position(sample.name) else { continue }
            input.add(position, sample.value)
            let kept = self.kept[position]
            guard !kept.isEmpty else { continue }
            var labels = ReadingInput.Labels()
            if kept.contains(.le) { labels.le = sample.label("le").flatMap(FloatParser.parse) }
            if kept.contains(.quantile) { labels.quantile = sample.label("quantile").flatMap(FloatParser.parse) }
            if kept.contains(.handler) { labels.handler = sample.label(profile.handlerLabel) }
            if kept.contains(.code), let code = sample.label("code") {
                labels.hasCode = true
                labels.isError = code.hasPrefix("5")
            }
            input.labelled.append(.init(position: Int32(position), value: sample.value, labels: labels))
        }
        return input
    }
}
