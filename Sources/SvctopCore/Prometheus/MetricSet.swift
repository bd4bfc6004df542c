/// A label name and value of a sample.
public struct Label: Sendable, Hashable, Codable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One sample of one series.
public struct Sample: Sendable, Equatable {
    public var name: String
    /// The labels, as a slice of the buffer all samples of one parse share (no allocation per sample).
    public var labels: ArraySlice<Label>
    public var value: Double
    public var timestampMs: Int64?

    public init(name: String, labels: [Label] = [], value: Double, timestampMs: Int64? = nil) {
        self.name = name
        self.labels = labels[...]
        self.value = value
        self.timestampMs = timestampMs
    }

    /// The value of the label `name`, if the sample has it.
    public func label(_ name: String) -> String? {
        for label in labels where label.name == name { return label.value }
        return nil
    }

    public static func == (a: Sample, b: Sample) -> Bool {
        a.name == b.name && a.labels == b.labels && a.timestampMs == b.timestampMs
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// Everything one scrape returned: the samples in input order, indexed by metric name, with the declared types,
/// HELP texts and units, and an account of the lines that were rejected.
public struct MetricSet: Sendable {
    public private(set) var samples: [Sample] = []
    /// Sample metric name → the first run of `samples` that carries it; `moreRuns` holds the rare later runs (a
    /// name that comes back after another). One range per name, not an array: a scrape has dozens of names, and
    /// an array each was a third of a real exposition's allocations.
    private var index: [String: Range<Int>] = [:]
    private var moreRuns: [String: [Range<Int>]] = [:]
    /// Family name → declared type.
    public private(set) var types: [String: MetricType] = [:]
    /// Family name → HELP text (unescaped).
    public private(set) var help: [String: String] = [:]
    /// Family name → UNIT (OpenMetrics).
    public private(set) var units: [String: String] = [:]
    /// Lines that could not be parsed; their samples are missing, all other samples are kept.
    public private(set) var rejectedLines = 0
    /// The first parse error, with its position.
    public private(set) var firstError: ExpositionError?
    /// Sample lines left out by the parse's filter (see `parse(_:format:keepsHelp:only:)`).
    public private(set) var skippedSamples = 0
    public private(set) var format: ExpositionFormat = .prometheusText

    public init() {}

    /// Builds a set from explicit samples (tests, demo, and merging).
    public init(samples: [Sample], types: [String: MetricType] = [:]) {
        self.types = types
        for sample in samples { append(sample) }
    }

    /// Parses an exposition. Never throws: bad lines are counted in `rejectedLines` and the first is kept in
    /// `firstError`. Complexity: O(n) in the input size.
    public static func parse(_ bytes: [UInt8], format: ExpositionFormat = .prometheusText) -> MetricSet {
        bytes.withUnsafeBufferPointer { parse($0, format: format) }
    }

    /// Parses an exposition from a string (tests and fixtures).
    public static func parse(_ text: String, format: ExpositionFormat = .prometheusText) -> MetricSet {
        parse(Array(text.utf8), format: format)
    }

    /// Parses an exposition from borrowed bytes. `keepsHelp: false` skips building the HELP and UNIT texts
    /// (the scrape engine never shows them: a third of a scrape's string hashing went into them). With `only`, the
    /// samples and families of other names are skipped after their name: their lines are not checked, so a bad one
    /// is not counted in `rejectedLines`, and they are counted in `skippedSamples`.
    public static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, format: ExpositionFormat, keepsHelp: Bool = true,
        only: SampleFilter? = nil
    )
        -> MetricSet
    {
        var set = MetricSet()
        set.format = format
        // A Go service exposes a few dozen names and families: no regrowth of either table.
        set.index.reserveCapacity(64)
        set.types.reserveCapacity(64)
        set.samples.reserveCapacity(buffer.count / 64)
        var parser = ExpositionParser(bytes: buffer, format: format)
        parser.only = only
        // All labels of the parse in one buffer; each sample's labels are a slice of it.
        var labelStorage: [Label] = []
        labelStorage.reserveCapacity(buffer.count / 24)
        var labelRanges: [Range<Int32>] = []
        labelRanges.reserveCapacity(buffer.count / 64)
        // The previous sample's name and label spans, to reuse its strings when the bytes repeat.
        var lastName: Range<Int> = 0..<0
        var lastNameString = ""
        var lastSpans: [ExpositionParser.LabelSpan] = []
        lastSpans.reserveCapacity(16)
        var lastStart = 0
        var runStart = 0
        // The last TYPE line's family name: a gauge's or counter's samples that follow carry the same name, and
        // reuse its string instead of making another.
        var typeName: Range<Int> = 0..<0
        var typeNameString = ""
        loop: while true {
            switch parser.next() {
            case .end:
                break loop
            case .sample:
                if lastNameString.isEmpty || !parser.bytesEqual(parser.name, lastName) {
                    if !lastNameString.isEmpty && runStart < set.samples.count {
                        set.addRun(lastNameString, runStart..<set.samples.count)
                    }
                    lastName = parser.name
                    lastNameString =
                        !typeNameString.isEmpty && parser.bytesEqual(parser.name, typeName)
                        ? typeNameString : parser.string(parser.name)
                    runStart = set.samples.count
                }
                let start = labelStorage.count
                let count = parser.labelCount
                for k in 0..<count {
                    let span = parser.label(at: k)
                    if k < lastSpans.count {
                        let previous = lastSpans[k]
                        let sameName = parser.bytesEqual(span.name, previous.name)
                        if sameName && parser.bytesEqual(span.value, previous.value) {
                            labelStorage.append(labelStorage[lastStart + k])
                            continue
                        }
                        let name = sameName ? labelStorage[lastStart + k].name : parser.string(span.name)
                        labelStorage.append(Label(name, parser.labelValue(span)))
                        continue
                    }
                    labelStorage.append(Label(parser.string(span.name), parser.labelValue(span)))
                }
                lastSpans.removeAll(keepingCapacity: true)
                for k in 0..<count { lastSpans.append(parser.label(at: k)) }
                lastStart = start
                labelRanges.append(Int32(start)..<Int32(labelStorage.count))
                set.samples.append(
                    Sample(name: lastNameString, labels: [], value: parser.value, timestampMs: parser.timestampMs))
            case .type:
                typeName = parser.name
                typeNameString = parser.string(parser.name)
                set.types[typeNameString] = parser.declaredType
            case .help:
                if keepsHelp { set.help[parser.string(parser.name)] = parser.helpText() }
            case .unit:
                if keepsHelp { set.units[parser.string(parser.name)] = parser.string(parser.text) }
            case .invalid:
                set.rejectedLines += 1
                if set.firstError == nil { set.firstError = parser.error }
            case .comment, .eof:
                continue
            }
        }
        if !lastNameString.isEmpty && runStart < set.samples.count {
            set.addRun(lastNameString, runStart..<set.samples.count)
        }
        set.skippedSamples = parser.skippedSamples
        for i in set.samples.indices where !labelRanges[i].isEmpty {
            set.samples[i].labels = labelStorage[Int(labelRanges[i].lowerBound)..<Int(labelRanges[i].upperBound)]
        }
        return set
    }

    /// Appends one sample (O(1) amortized).
    public mutating func append(_ sample: Sample) {
        let position = samples.count
        samples.append(sample)
        addRun(sample.name, position..<(position + 1))
    }

    /// Records that `run` of `samples` carries `name`, joining it to the name's last run when they touch.
    private mutating func addRun(_ name: String, _ run: Range<Int>) {
        guard let first = index[name] else {
            index[name] = run
            return
        }
        if var more = moreRuns[name], let last = more.last {
            if last.upperBound == run.lowerBound {
                more[more.count - 1] = last.lowerBound..<run.upperBound
            } else {
                more.append(run)
            }
            moreRuns[name] = more
        } else if first.upperBound == run.lowerBound {
            index[name] = first.lowerBound..<run.upperBound
        } else {
            moreRuns[name] = [run]
        }
    }

    /// Calls `body` with each run of `name`, in input order; false when there is none.
    @discardableResult
    private func forEachRun(_ name: String, _ body: (Range<Int>) -> Void) -> Bool {
        guard let first = index[name] else { return false }
        body(first)
        // Most expositions have no name in two places: no second hash of the name then.
        if !moreRuns.isEmpty, let more = moreRuns[name] { for run in more { body(run) } }
        return true
    }

    /// The number of distinct sample names.
    public var nameCount: Int { index.count }

    /// True when at least one sample has this metric name.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// All samples with this metric name, in input order.
    public func samples(named name: String) -> [Sample] {
        var out: [Sample] = []
        forEachRun(name) { out.append(contentsOf: samples[$0]) }
        return out
    }

    /// Calls `body` with every sample of this name, in input order, without copying them into an array.
    public func forEachSample(named name: String, _ body: (Sample) -> Void) {
        forEachRun(name) { run in for i in run { body(samples[i]) } }
    }

    /// The value of the first sample with this name whose labels include all of `matching`.
    public func value(_ name: String, matching: [Label] = []) -> Double? {
        var found: Double?
        forEachRun(name) { run in
            guard found == nil else { return }
            found = run.first { i in matching.allSatisfy { samples[i].labels.contains($0) } }.map { samples[$0].value }
        }
        return found
    }

    /// The sum of every sample with this name (all label sets).
    public func sum(_ name: String) -> Double? {
        var total = 0.0
        let present = forEachRun(name) { run in for i in run { total += samples[i].value } }
        return present ? total : nil
    }

    /// The declared type of the family a sample name belongs to (`foo_bucket` → the type of `foo`).
    public func familyType(ofSample name: String) -> MetricType? {
        if let t = types[name] { return t }
        for suffix in ["_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"]
        where name.hasSuffix(suffix) {
            if let t = types[String(name.dropLast(suffix.count))] { return t }
        }
        return nil
    }
}
