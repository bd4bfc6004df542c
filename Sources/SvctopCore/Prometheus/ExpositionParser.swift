#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull parser over the raw bytes of a Prometheus text (0.0.4) or OpenMetrics 1.0 exposition.
///
/// `next()` advances to the next entry and returns its kind; the accessors then read the current entry from byte
/// spans of the input, so nothing is copied or decoded unless asked for. Invalid lines yield `.invalid` with a
/// positioned error and the parser resumes on the next line, so one bad line never loses the rest of a scrape.
///
/// Lifetime: the parser borrows `bytes`; use it only inside the `withUnsafeBufferPointer` scope that produced it.
/// Not thread-safe; one parser per parse.
public struct ExpositionParser {
    /// The kind of entry `next()` stopped on.
    public enum Entry: Equatable {
        case sample, help, type, unit, comment, eof, invalid, end
    }

    /// A label of the current sample, as byte spans into the input.
    public struct LabelSpan {
        public var name: Range<Int>
        public var value: Range<Int>
        /// True when the value contains a backslash and must be unescaped.
        public var isEscaped: Bool
    }

    public let bytes: UnsafeBufferPointer<UInt8>
    public let format: ExpositionFormat
    private var position = 0
    private var lineStart = 0
    public private(set) var lineNumber = 0
    private var sawEOF = false

    /// Metric name of the current sample, or the family name of a HELP/TYPE/UNIT line.
    public private(set) var name: Range<Int> = 0..<0
    /// Labels of the current sample (read them with `labelCount` and `label(at:)` in hot loops: holding on to
    /// this array makes the next `next()` copy it).
    public private(set) var labels: [LabelSpan] = []

    /// The number of labels of the current sample.
    public var labelCount: Int { labels.count }

    /// The `i`th label of the current sample.
    public func label(at i: Int) -> LabelSpan { labels[i] }
    /// Value of the current sample.
    public private(set) var value: Double = 0
    /// Timestamp of the current sample in milliseconds, when present.
    public private(set) var timestampMs: Int64?
    /// Text of a HELP or UNIT line, or the type word of a TYPE line (escaped as written).
    public private(set) var text: Range<Int> = 0..<0
    /// The declared type of the current TYPE line.
    public private(set) var declaredType: MetricType = .untyped
    /// The error of the current `.invalid` entry.
    public private(set) var error: ExpositionError?
    /// When set, only these names are parsed: other sample lines, and the HELP, TYPE and UNIT lines of other
    /// families, read as comments after their name (their labels, values and texts are neither decoded nor
    /// checked).
    public var only: SampleFilter? {
        didSet { repeatStart = -1 }
    }
    /// How many sample lines `only` skipped so far.
    public private(set) var skippedSamples = 0
    /// With `only`, the current sample's name as `only` numbers it (`SampleFilter.position`).
    public private(set) var wanted = -1
    /// How many of the current sample's first labels are the last sample line's, moved to this line: the line
    /// starts with the same bytes as the last one up to that line's last label (a histogram's buckets differ only
    /// in `le`), so it has the same name and those labels, and was parsed on from there. 0 when it was parsed whole.
    public private(set) var repeatedLabels = 0

    // The last sample line's start and the bytes up to its last label's name, when its name and labels parsed.
    // `repeatStart` is -1 when there is nothing to reuse.
    private var repeatStart = -1
    private var repeatCount = 0
    private var repeatNameCount = 0
    private var repeatWanted = -1

    public init(bytes: UnsafeBufferPointer<UInt8>, format: ExpositionFormat) {
        self.bytes = bytes
        self.format = format
        labels.reserveCapacity(16)
    }

    // MARK: - Reading spans

    /// The bytes of `range` decoded as UTF-8 (invalid sequences are replaced, never trapped on).
    public func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// True when the bytes of `range` equal `other`.
    public func bytesEqual(_ range: Range<Int>, _ other: Range<Int>) -> Bool {
        guard range.count == other.count else { return false }
        if range.lowerBound == other.lowerBound { return true }
        return memcmpEqual(bytes.baseAddress! + range.lowerBound, bytes.baseAddress! + other.lowerBound, range.count)
    }

    /// True when the bytes of `range` equal the UTF-8 of `literal`.
    public func bytesEqual(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return memcmpEqual(bytes.baseAddress! + range.lowerBound, literal.utf8Start, range.count)
    }

    /// True when the bytes of `range` equal `other`.
    public func bytesEqual(_ range: Range<Int>, _ other: [UInt8]) -> Bool {
        guard range.count == other.count else { return false }
        return other.withUnsafeBufferPointer { o in
            o.isEmpty || memcmpEqual(bytes.baseAddress! + range.lowerBound, o.baseAddress!, range.count)
        }
    }

    /// The value of a label, unescaped when needed.
    public func labelValue(_ label: LabelSpan) -> String {
        label.isEscaped ? unescape(label.value, allowQuote: true) : string(label.value)
    }

    /// The value of a label read as a number (a bucket's `le`, a quantile), as sample values are read; nil when it
    /// is not one.
    public func labelNumber(_ label: LabelSpan) -> Double? {
        label.isEscaped ? FloatParser.parse(labelValue(label)) : FloatParser.parse(bytes, label.value)
    }

    /// The HELP text, unescaped.
    public func helpText() -> String { unescape(text, allowQuote: format == .openMetrics) }

    func unescape(_ range: Range<Int>, allowQuote: Bool) -> String {
        // The result is never longer than the input; write it in place (small results allocate nothing).
        String(unsafeUninitializedCapacity: range.count) { out in
            var n = 0
            var i = range.lowerBound
            while i < range.upperBound {
                let b = bytes[i]
                if b == UInt8(ascii: "\\"), i + 1 < range.upperBound {
                    let next = bytes[i + 1]
                    switch next {
                    case UInt8(ascii: "n"): out[n] = UInt8(ascii: "\n")
                    case UInt8(ascii: "\\"): out[n] = UInt8(ascii: "\\")
                    case UInt8(ascii: "\""): out[n] = UInt8(ascii: "\"")
                    default:
                        out[n] = b
                        n += 1
                        out[n] = next
                    }
                    n += 1
                    i += 2
                } else {
                    out[n] = b
                    n += 1
                    i += 1
                }
            }
            return n
        }
    }

    // MARK: - Advancing

    /// Advances to the next entry. Returns `.end` when the input is exhausted (and keeps returning it).
    public mutating func next() -> Entry {
        let count = bytes.count
        while position < count {
            lineStart = position
            lineNumber += 1
            let lineEnd = findLineEnd(from: position)
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            position = lineEnd < count ? lineEnd + 1 : count
            if sawEOF {
                return fail(at: lineStart, expected: "end of input after # EOF", found: "more text", end: contentEnd)
            }
            if contentEnd == lineStart {
                if format == .openMetrics {
                    return fail(at: lineStart, expected: "a metric line", found: "an empty line", end: contentEnd)
                }
                continue
            }
            let first = bytes[lineStart]
            if first == UInt8(ascii: "#") {
                let entry = parseComment(end: contentEnd)
                if entry == .comment && format == .prometheusText { continue }
                return entry
            }
            if format == .prometheusText && (first == UInt8(ascii: " ") || first == UInt8(ascii: "\t")) {
                var i = lineStart
                while i < contentEnd && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
                if i == contentEnd { continue }
                if bytes[i] == UInt8(ascii: "#") {
                    lineStart = i
                    let entry = parseComment(end: contentEnd)
                    if entry == .comment { continue }
                    return entry
                }
                let entry = parseSample(from: i, end: contentEnd)
                if entry == .comment { continue }
                return entry
            }
            let entry = parseSample(from: lineStart, end: contentEnd)
            if entry == .comment && format == .prometheusText { continue }
            return entry
        }
        if format == .openMetrics && !sawEOF {
            sawEOF = true
            error = ExpositionError(
                line: lineNumber + 1, column: 1, expected: "# EOF", found: "end of input", snippet: "")
            return .invalid
        }
        return .end
    }

    private func findLineEnd(from start: Int) -> Int {
        let base = bytes.baseAddress!
        let remaining = bytes.count - start
        if let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), remaining) {
            let found = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self))
            return start + (found - UnsafePointer(base + start))
        }
        return bytes.count
    }

    private mutating func fail(at index: Int, expected: String, found: String, end: Int) -> Entry {
        repeatStart = -1  // only a line read whole is reused
        let snippetEnd = min(end, lineStart + 60)
        let snippet = snippetEnd > lineStart ? string(lineStart..<snippetEnd) : ""
        error = ExpositionError(
            line: lineNumber, column: index - lineStart + 1, expected: expected, found: found, snippet: snippet)
        return .invalid
    }

    private func describe(_ index: Int, _ end: Int) -> String {
        if index >= end { return "end of line" }
        let b = bytes[index]
        if b >= 0x20 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    // MARK: - Comments

    private mutating func parseComment(end: Int) -> Entry {
        // "#" then (space KEYWORD space NAME [space TEXT]) or anything (a plain comment).
        var i = lineStart + 1
        if format == .openMetrics {
            if end - lineStart == 5 && bytesEqual(lineStart..<end, "# EOF") {
                sawEOF = true
                return .eof
            }
            guard i < end && bytes[i] == UInt8(ascii: " ") else {
                return fail(at: i, expected: "a space after #", found: describe(i, end), end: end)
            }
        } else {
            guard i < end && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) else {
                return .comment
            }
        }
        while i < end && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        let keywordStart = i
        while i < end && bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") { i += 1 }
        let keyword = keywordStart..<i
        let kind: Entry
        if bytesEqual(keyword, "HELP") {
            kind = .help
        } else if bytesEqual(keyword, "TYPE") {
            kind = .type
        } else if bytesEqual(keyword, "UNIT") && format == .openMetrics {
            kind = .unit
        } else {
            if format == .openMetrics {
                return fail(
                    at: keywordStart, expected: "HELP, TYPE, UNIT or EOF", found: "'\(string(keyword))'", end: end)
            }
            return .comment
        }
        guard i < end else {
            if format == .prometheusText { return .comment }
            return fail(at: i, expected: "a metric name", found: "end of line", end: end)
        }
        while i < end && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        let nameStart = i
        guard i < end && isNameStart(bytes[i], allowColon: true) else {
            return fail(at: i, expected: "a metric name", found: describe(i, end), end: end)
        }
        i = metricNameEnd(bytes, from: i + 1, end: end)
        name = nameStart..<i
        if let only, !only.accepts(bytes.baseAddress! + nameStart, count: i - nameStart) { return .comment }
        if i < end && bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") {
            return fail(at: i, expected: "a space after the metric name", found: describe(i, end), end: end)
        }
        if i < end { i += 1 }
        if format == .prometheusText {
            while i < end && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        }
        text = i..<end
        switch kind {
        case .help:
            if let bad = invalidEscape(in: text, allowQuote: format == .openMetrics) {
                return fail(at: bad, expected: "an escape (\\\\ or \\n)", found: describe(bad + 1, end), end: end)
            }
        case .type:
            var typeEnd = end
            while typeEnd > i && (bytes[typeEnd - 1] == UInt8(ascii: " ") || bytes[typeEnd - 1] == UInt8(ascii: "\t")) {
                typeEnd -= 1
            }
            guard let type = Self.typeWords.first(where: { bytesEqual(i..<typeEnd, $0.word) })?.type,
                format == .openMetrics || type.isPrometheusText
            else {
                return fail(at: i, expected: "a metric type", found: "'\(string(i..<typeEnd))'", end: end)
            }
            declaredType = type
        default:
            break
        }
        return kind
    }

    /// The type words, matched against the bytes of a TYPE line.
    private static let typeWords: [(word: StaticString, type: MetricType)] = [
        ("counter", .counter), ("gauge", .gauge), ("histogram", .histogram), ("summary", .summary),
        ("untyped", .untyped), ("info", .info), ("stateset", .stateset), ("gaugehistogram", .gaugehistogram),
        ("unknown", .unknown),
    ]

    private func invalidEscape(in range: Range<Int>, allowQuote: Bool) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == UInt8(ascii: "\\") {
                guard i + 1 < range.upperBound else { return i }
                let n = bytes[i + 1]
                if n != UInt8(ascii: "\\") && n != UInt8(ascii: "n") && !(allowQuote && n == UInt8(ascii: "\"")) {
                    return i
                }
                i += 2
            } else {
                i += 1
            }
        }
        return nil
    }

    // MARK: - Samples

    private mutating func parseSample(from start: Int, end: Int) -> Entry {
        timestampMs = nil
        let isText = format == .prometheusText
        var i = start
        if repeatStart >= 0 && start + repeatCount < end
            && memcmpEqual(bytes.baseAddress! + start, bytes.baseAddress! + repeatStart, repeatCount)
        {
            // The last line's name and labels but its last, kept and moved to this line; parsed on from there.
            let shift = start - repeatStart
            repeatedLabels = labels.count - 1
            labels.removeLast()
            for k in labels.indices {
                labels[k].name = (labels[k].name.lowerBound + shift)..<(labels[k].name.upperBound + shift)
                labels[k].value = (labels[k].value.lowerBound + shift)..<(labels[k].value.upperBound + shift)
            }
            name = start..<(start + repeatNameCount)
            wanted = repeatWanted
            i = start + repeatCount
            repeatStart = -1
            if let failure = parseLabels(&i, end: end) { return failure }
            rememberPrefix(start)
        } else {
            labels.removeAll(keepingCapacity: true)
            repeatedLabels = 0
            repeatStart = -1
            guard isNameStart(bytes[i], allowColon: true) else {
                return fail(at: i, expected: "a metric name", found: describe(i, end), end: end)
            }
            i = metricNameEnd(bytes, from: i + 1, end: end)
            name = start..<i
            if let only {
                wanted = only.position(bytes.baseAddress! + start, count: i - start)
                if wanted < 0 {
                    skippedSamples += 1
                    return .comment
                }
            }
            let afterBlanks = isText ? skipBlanks(i, end) : i
            if afterBlanks < end && bytes[afterBlanks] == UInt8(ascii: "{") {
                i = afterBlanks + 1
                if let failure = parseLabels(&i, end: end) { return failure }
                rememberPrefix(start)
            }
        }
        // Value.
        guard i < end && (bytes[i] == UInt8(ascii: " ") || (isText && bytes[i] == UInt8(ascii: "\t"))) else {
            return fail(at: i, expected: "a space before the value", found: describe(i, end), end: end)
        }
        i = isText ? skipBlanks(i, end) : i + 1
        let valueStart = i
        while i < end && bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") { i += 1 }
        guard i > valueStart, let parsed = FloatParser.parse(bytes, valueStart..<i) else {
            return fail(
                at: valueStart, expected: "a sample value",
                found: i > valueStart ? "'\(string(valueStart..<i))'" : "end of line", end: end)
        }
        value = parsed
        if isText { i = skipBlanks(i, end) } else if i < end { i += 1 }
        guard i < end else { return .sample }
        if bytes[i] == UInt8(ascii: "#") {
            guard format == .openMetrics else {
                return fail(at: i, expected: "a timestamp or end of line", found: "'#'", end: end)
            }
            return parseExemplar(from: i, end: end) ?? .sample
        }
        let tsStart = i
        while i < end && bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") { i += 1 }
        if isText {
            guard let ms = parseInteger(tsStart..<i) else {
                return fail(
                    at: tsStart, expected: "a timestamp in milliseconds", found: "'\(string(tsStart..<i))'", end: end)
            }
            timestampMs = ms
            i = skipBlanks(i, end)
            guard i == end else {
                return fail(at: i, expected: "end of line", found: describe(i, end), end: end)
            }
            return .sample
        }
        // A timestamp past Int64 milliseconds (finite, but absurd) is as wrong as one that is not a number.
        guard let seconds = FloatParser.parse(bytes, tsStart..<i), seconds.isFinite,
            let milliseconds = Int64(exactly: (seconds * 1000).rounded())
        else {
            return fail(at: tsStart, expected: "a timestamp in seconds", found: "'\(string(tsStart..<i))'", end: end)
        }
        timestampMs = milliseconds
        guard i < end else { return .sample }
        i += 1
        guard i < end && bytes[i] == UInt8(ascii: "#") else {
            return fail(at: i, expected: "an exemplar or end of line", found: describe(i, end), end: end)
        }
        return parseExemplar(from: i, end: end) ?? .sample
    }

    /// Remembers the current line, from `start` to its last label's name, for the next line to reuse.
    @inline(__always)
    private mutating func rememberPrefix(_ start: Int) {
        guard let last = labels.last else { return }
        repeatStart = start
        repeatCount = last.name.lowerBound - start
        repeatNameCount = name.count
        repeatWanted = wanted
    }

    /// Validates an OpenMetrics exemplar (` # {labels} value [timestamp]`); nil when it is well formed.
    private mutating func parseExemplar(from start: Int, end: Int) -> Entry? {
        var i = start + 1
        guard i + 1 < end && bytes[i] == UInt8(ascii: " ") && bytes[i + 1] == UInt8(ascii: "{") else {
            return fail(at: i, expected: "' {' opening an exemplar", found: describe(i, end), end: end)
        }
        i += 2
        let sampleLabels = labels
        // The sample's own labels again, whether the exemplar's parse or not (the next line may reuse them).
        defer { labels = sampleLabels }
        if let failure = parseLabels(&i, end: end) { return failure }
        guard i < end && bytes[i] == UInt8(ascii: " ") else {
            return fail(at: i, expected: "a space before the exemplar value", found: describe(i, end), end: end)
        }
        i += 1
        let vs = i
        while i < end && bytes[i] != UInt8(ascii: " ") { i += 1 }
        guard FloatParser.parse(bytes, vs..<i) != nil else {
            return fail(at: vs, expected: "an exemplar value", found: "'\(string(vs..<i))'", end: end)
        }
        if i < end {
            i += 1
            let ts = i
            while i < end && bytes[i] != UInt8(ascii: " ") { i += 1 }
            guard FloatParser.parse(bytes, ts..<i) != nil, i == end else {
                return fail(at: ts, expected: "an exemplar timestamp", found: "'\(string(ts..<end))'", end: end)
            }
        }
        return nil
    }

    /// Parses `name="value"` pairs after `{` up to and including `}`. Returns an `.invalid` entry on error.
    private mutating func parseLabels(_ index: inout Int, end: Int) -> Entry? {
        var i = index
        let isText = format == .prometheusText
        while true {
            if isText { i = skipBlanks(i, end) }
            guard i < end else { return fail(at: i, expected: "a label name or '}'", found: "end of line", end: end) }
            if bytes[i] == UInt8(ascii: "}") {
                i += 1
                break
            }
            guard isNameStart(bytes[i], allowColon: false) else {
                return fail(at: i, expected: "a label name or '}'", found: describe(i, end), end: end)
            }
            let nameStart = i
            i += 1
            while i < end && isNameChar(bytes[i], allowColon: false) { i += 1 }
            let labelName = nameStart..<i
            if isText { i = skipBlanks(i, end) }
            guard i < end && bytes[i] == UInt8(ascii: "=") else {
                return fail(at: i, expected: "'=' after label name", found: describe(i, end), end: end)
            }
            i += 1
            if isText { i = skipBlanks(i, end) }
            guard i < end && bytes[i] == UInt8(ascii: "\"") else {
                return fail(at: i, expected: "'\"' opening a label value", found: describe(i, end), end: end)
            }
            i += 1
            let valueStart = i
            var escaped = false
            while i < end {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < end else { break }
                    let n = bytes[i + 1]
                    guard n == UInt8(ascii: "\\") || n == UInt8(ascii: "\"") || n == UInt8(ascii: "n") else {
                        return fail(
                            at: i, expected: "an escape (\\\\, \\\" or \\n)", found: describe(i + 1, end), end: end)
                    }
                    escaped = true
                    i += 2
                    continue
                }
                i += 1
            }
            guard i < end else {
                return fail(
                    at: valueStart - 1, expected: "'\"' closing the label value", found: "end of line", end: end)
            }
            labels.append(LabelSpan(name: labelName, value: valueStart..<i, isEscaped: escaped))
            i += 1
            if isText { i = skipBlanks(i, end) }
            guard i < end else { return fail(at: i, expected: "',' or '}'", found: "end of line", end: end) }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else {
                return fail(at: i, expected: "',' or '}'", found: describe(i, end), end: end)
            }
            i += 1
            break
        }
        index = i
        return nil
    }

    private func parseInteger(_ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        var negative = false
        if i < range.upperBound && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < range.upperBound else { return nil }
        var result: Int64 = 0
        while i < range.upperBound {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = result.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            result = a
            i += 1
        }
        return negative ? -result : result
    }

    @inline(__always)
    private func skipBlanks(_ start: Int, _ end: Int) -> Int {
        var i = start
        while i < end && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        return i
    }
}

@inline(__always)
func isNameStart(_ b: UInt8, allowColon: Bool) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        || b == UInt8(ascii: "_") || (allowColon && b == UInt8(ascii: ":"))
}

@inline(__always)
func isNameChar(_ b: UInt8, allowColon: Bool) -> Bool {
    isNameStart(b, allowColon: allowColon) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
}

/// Where the metric name that goes on at `start` ends: the first byte from `start` that is not a letter, digit,
/// `_` or `:`, or `end`. Eight bytes at a time, each tested with arithmetic on the whole word: names such as
/// `http_request_duration_seconds_bucket` are most of a line, and every sample and comment line has one.
@inline(__always)
func metricNameEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
    var i = start
    #if _endian(little)
    let raw = UnsafeRawPointer(bytes.baseAddress!)
    while i + 8 <= end {
        let others = nonNameBytes(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        if others != 0 { return i + others.trailingZeroBitCount >> 3 }
        i += 8
    }
    #endif
    while i < end && isNameChar(bytes[i], allowColon: true) { i += 1 }
    return i
}

/// The high bit of each byte of `word` that is not a metric name's (a letter, digit, `_` or `:`), others clear.
/// Each test adds a constant to every byte at once; bytes are first cut to 7 bits, so no sum carries into the
/// next byte, and bytes of 0x80 and above are never name bytes.
@inline(__always)
func nonNameBytes(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    let x = word & ~high
    // x in lo...hi: x + (0x80 - lo) has its high bit set, x + (0x7F - hi) has not.
    func within(_ x: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
        (x &+ (0x80 - lo) &* ones) & ~(x &+ (0x7F - hi) &* ones) & high
    }
    let digitOrColon = within(x, 0x30, 0x3A)
    let letter = within(x | (0x20 &* ones), 0x61, 0x7A)  // upper case folded onto lower
    let z = x ^ (0x5F &* ones)  // zero where the byte is '_'
    let underscore = ~((z &+ 0x7F &* ones) | z) & high
    return ~(digitOrColon | letter | underscore) & high | (word & high)
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    memcmp(a, b, count) == 0
}
