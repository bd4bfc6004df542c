#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses Go goroutine dumps: the runtime's aggregated `debug=1` profile and the per-goroutine `debug=2`
/// traceback format (also what a panic or SIGQUIT prints), as written by Go 1.19 through current versions.
///
/// Works on raw bytes and makes strings only for distinct frames, so a 50,000-goroutine dump parses in a
/// fraction of a second. Never traps: unknown or truncated lines are counted in `skippedLines`.
public enum GoroutineDumpParser {
    public static func parse(_ bytes: [UInt8], mode: GroupingMode = .loose) -> GoroutineDump {
        bytes.withUnsafeBufferPointer { parse($0, mode: mode) }
    }

    public static func parse(_ text: String, mode: GroupingMode = .loose) -> GoroutineDump {
        parse(Array(text.utf8), mode: mode)
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, mode: GroupingMode) -> GoroutineDump {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return GoroutineDump(debugLevel: 2, total: 0, groups: [], mode: mode, skippedLines: 0)
        }
        var builder = Builder(base: base, count: buffer.count, mode: mode)
        if startsWith(base, 0, buffer.count, "goroutine profile:") {
            builder.parseDebug1()
        } else {
            builder.parseDebug2()
        }
        return builder.finish()
    }

    /// A line that starts with `...` and ends with `frames elided...`.
    static func isElisionMarker(_ base: UnsafePointer<UInt8>, _ at: Int, _ end: Int) -> Bool {
        let tail: StaticString = "frames elided..."
        var last = end
        while last > at && (base[last - 1] == 0x0D || base[last - 1] == 0x20) { last -= 1 }
        return startsWith(base, at, last, "...") && last - at >= 3 + tail.utf8CodeUnitCount
            && memcmp(base + last - tail.utf8CodeUnitCount, tail.utf8Start, tail.utf8CodeUnitCount) == 0
    }

    static func startsWith(_ base: UnsafePointer<UInt8>, _ at: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        return end - at >= n && memcmp(base + at, literal.utf8Start, n) == 0
    }

    /// Key of a group: interned state, frame ids, creator id, and (exact mode) argument ids.
    struct GroupKey: Hashable {
        var state: Int32
        var frames: [Int32]
        var creator: Int32
        var arguments: [Int32]
    }

    struct GroupAccumulator {
        var count = 0
        var states: [Int32: Int] = [:]
        var waitMin = Int.max
        var waitMax = Int.min
        var locked = 0
        var frames: [Int32]
        var creator: Int32
        var arguments: [Int32]
        var sampleIDs: [Int] = []
    }

    struct Builder {
        let base: UnsafePointer<UInt8>
        let count: Int
        let mode: GroupingMode
        var position = 0
        var functions = ByteInterner(capacity: 4096)
        var files = ByteInterner(capacity: 4096)
        var argumentLists = ByteInterner(capacity: 4096)
        var statesInterner = ByteInterner(capacity: 64)
        /// (function id, file id, line) → frame id.
        var frameIDs: [FrameTriple: Int32] = [:]
        var frameTriples: [FrameTriple] = []
        var groups: [GroupKey: Int] = [:]
        var accumulators: [GroupAccumulator] = []
        var skipped = 0
        var total = 0
        var declaredTotal: Int?
        /// States inferred for debug=1 records (not spans of the buffer), with ids below -1 to keep them apart
        /// from the interned ones.
        var inferredStates: [String: Int32] = [:]
        var inferredStateNames: [String] = []

        struct FrameTriple: Hashable {
            var function: Int32
            var file: Int32
            var line: Int32
        }

        init(base: UnsafePointer<UInt8>, count: Int, mode: GroupingMode) {
            self.base = base
            self.count = count
            self.mode = mode
        }

        /// The next line's content range (without `\r\n`/`\n`), advancing past it; nil at the end.
        mutating func nextLine() -> Range<Int>? {
            guard position < count else { return nil }
            let start = position
            var end: Int
            if let hit = memchr(base + start, 0x0a, count - start) {
                let found = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self))
                end = start + (found - (base + start))
                position = end + 1
            } else {
                end = count
                position = count
            }
            if end > start && base[end - 1] == 0x0d { end -= 1 }
            return start..<end
        }

        func peekLine() -> Range<Int>? {
            var copy = self
            return copy.nextLine()
        }

        mutating func frameID(function: Range<Int>, file: Range<Int>, line: Int) -> Int32 {
            let triple = FrameTriple(
                function: functions.intern(base, function), file: files.intern(base, file),
                line: Int32(clamping: line))
            if let id = frameIDs[triple] { return id }
            let id = Int32(frameTriples.count)
            frameTriples.append(triple)
            frameIDs[triple] = id
            return id
        }

        mutating func elidedFrameID() -> Int32 {
            let triple = FrameTriple(function: -1, file: -1, line: -1)
            if let id = frameIDs[triple] { return id }
            let id = Int32(frameTriples.count)
            frameTriples.append(triple)
            frameIDs[triple] = id
            return id
        }

        /// Splits `\t/path/file.go:123 +0x1d` into the file span and line number.
        func parseFileLine(_ range: Range<Int>) -> (Range<Int>, Int)? {
            var start = range.lowerBound
            while start < range.upperBound && (base[start] == 0x09 || base[start] == 0x20) { start += 1 }
            var end = range.upperBound
            // Drop " +0x1d" (and anything after the location, like " fp=... sp=... pc=...").
            var i = start
            while i < end && base[i] != 0x20 { i += 1 }
            end = i
            var colon = end - 1
            while colon > start && base[colon] != UInt8(ascii: ":") { colon -= 1 }
            guard colon > start else { return nil }
            var line = 0
            var j = colon + 1
            guard j < end else { return nil }
            while j < end {
                let d = base[j] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                line = line &* 10 &+ Int(d)
                j += 1
            }
            return (start..<colon, line)
        }

        /// Splits `pkg.fn(args)` into the function span and the argument span (inside the parentheses).
        func splitFunction(_ range: Range<Int>) -> (Range<Int>, Range<Int>) {
            guard range.count > 1, base[range.upperBound - 1] == UInt8(ascii: ")") else {
                return (range, range.upperBound..<range.upperBound)
            }
            var depth = 0
            var i = range.upperBound - 1
            while i >= range.lowerBound {
                let b = base[i]
                if b == UInt8(ascii: ")") { depth += 1 }
                if b == UInt8(ascii: "(") {
                    depth -= 1
                    if depth == 0 { break }
                }
                i -= 1
            }
            guard i > range.lowerBound else { return (range, range.upperBound..<range.upperBound) }
            return (range.lowerBound..<i, (i + 1)..<(range.upperBound - 1))
        }

        // MARK: debug=2

        mutating func parseDebug2() {
            while let line = nextLine() {
                if GoroutineDumpParser.startsWith(base, line.lowerBound, line.upperBound, "goroutine ") {
                    parseGoroutine(header: line)
                } else if !line.isEmpty {
                    skipped += 1
                }
            }
        }

        mutating func parseGoroutine(header: Range<Int>) {
            // goroutine 18 [select, 5 minutes, locked to thread]:
            var i = header.lowerBound + 10
            var id = 0
            while i < header.upperBound, case let d = base[i] &- UInt8(ascii: "0"), d < 10 {
                id = id &* 10 &+ Int(d)
                i += 1
            }
            guard let open = find(UInt8(ascii: "["), in: i..<header.upperBound) else {
                skipped += 1
                return
            }
            var close = header.upperBound - 1
            while close > open && base[close] != UInt8(ascii: "]") { close -= 1 }
            guard close > open else {
                skipped += 1
                return
            }
            // State is the text up to the first comma; then "N minutes" and "locked to thread" may follow.
            var stateEnd = open + 1
            while stateEnd < close && base[stateEnd] != UInt8(ascii: ",") { stateEnd += 1 }
            let stateID = statesInterner.intern(base, (open + 1)..<stateEnd)
            var wait: Int?
            var locked = false
            var p = stateEnd
            while p < close {
                p += 1
                while p < close && base[p] == 0x20 { p += 1 }
                let partStart = p
                while p < close && base[p] != UInt8(ascii: ",") { p += 1 }
                let part = partStart..<p
                if GoroutineDumpParser.startsWith(base, part.lowerBound, part.upperBound, "locked to thread") {
                    locked = true
                } else if part.count > 0, base[part.lowerBound] >= UInt8(ascii: "0"),
                    base[part.lowerBound] <= UInt8(ascii: "9")
                {
                    var n = 0
                    var k = part.lowerBound
                    while k < part.upperBound, case let d = base[k] &- UInt8(ascii: "0"), d < 10 {
                        n = n &* 10 &+ Int(d)
                        k += 1
                    }
                    wait = n
                }
            }
            var frames: [Int32] = []
            var arguments: [Int32] = []
            var creator: Int32 = -1
            frames.reserveCapacity(16)
            while let line = peekLine(), !line.isEmpty {
                _ = nextLine()
                // "...additional frames elided..." (the end of a stack cut at 100 frames, Go before 1.21) or
                // "...51 frames elided..." (the middle of one, Go 1.21 and later).
                if GoroutineDumpParser.isElisionMarker(base, line.lowerBound, line.upperBound) {
                    frames.append(elidedFrameID())
                    arguments.append(-1)
                    continue
                }
                if base[line.lowerBound] == 0x09 || base[line.lowerBound] == 0x20 {
                    // A location line without a function line, or "goroutine running on other thread".
                    skipped += 1
                    continue
                }
                let isCreator = GoroutineDumpParser.startsWith(base, line.lowerBound, line.upperBound, "created by ")
                guard let fileLine = peekLine(), !fileLine.isEmpty, base[fileLine.lowerBound] == 0x09,
                    let (file, lineNumber) = parseFileLine(fileLine)
                else {
                    skipped += 1
                    continue
                }
                _ = nextLine()
                if isCreator {
                    var fnEnd = line.upperBound
                    // "created by X in goroutine 7" (Go 1.21+).
                    if let inRange = findLiteral(" in goroutine ", in: (line.lowerBound + 11)..<line.upperBound) {
                        fnEnd = inRange
                    }
                    creator = frameID(function: (line.lowerBound + 11)..<fnEnd, file: file, line: lineNumber)
                } else {
                    let (function, args) = splitFunction(line)
                    frames.append(frameID(function: function, file: file, line: lineNumber))
                    arguments.append(mode == .exact ? argumentLists.intern(base, args) : -1)
                }
            }
            add(
                state: stateID, frames: frames, creator: creator, arguments: mode == .exact ? arguments : [],
                count: 1, wait: wait, locked: locked, id: id)
        }

        // MARK: debug=1

        mutating func parseDebug1() {
            if let header = nextLine() {
                // goroutine profile: total 123
                var i = header.upperBound
                while i > header.lowerBound && base[i - 1] >= UInt8(ascii: "0") && base[i - 1] <= UInt8(ascii: "9") {
                    i -= 1
                }
                var n = 0
                for k in i..<header.upperBound { n = n &* 10 &+ Int(base[k] &- UInt8(ascii: "0")) }
                if i < header.upperBound { declaredTotal = n }
            }
            while let line = nextLine() {
                if line.isEmpty { continue }
                // "N @ 0x... 0x..."
                var i = line.lowerBound
                var n = 0
                while i < line.upperBound, case let d = base[i] &- UInt8(ascii: "0"), d < 10 {
                    n = n &* 10 &+ Int(d)
                    i += 1
                }
                guard i > line.lowerBound, GoroutineDumpParser.startsWith(base, i, line.upperBound, " @") else {
                    skipped += 1
                    continue
                }
                var frames: [Int32] = []
                var topFunctions: [Range<Int>] = []
                while let frameLine = peekLine(), !frameLine.isEmpty, base[frameLine.lowerBound] == UInt8(ascii: "#") {
                    _ = nextLine()
                    // "#\t0x4a2c1d\tnet/http.(*conn).serve+0x2fd\t/usr/lib/go/src/net/http/server.go:1995"
                    // or "# labels: {...}"
                    let fields = tabFields(frameLine)
                    guard fields.count >= 4 else { continue }
                    var function = fields[2]
                    var plus = function.upperBound - 1
                    while plus > function.lowerBound && base[plus] != UInt8(ascii: "+") { plus -= 1 }
                    if plus > function.lowerBound { function = function.lowerBound..<plus }
                    guard let (file, lineNumber) = parseFileLine(fields[3]) else {
                        skipped += 1
                        continue
                    }
                    frames.append(frameID(function: function, file: file, line: lineNumber))
                    if topFunctions.count < 4 { topFunctions.append(function) }
                }
                let state = inferState(topFunctions)
                add(
                    state: state, frames: frames, creator: -1, arguments: [], count: n, wait: nil, locked: false,
                    id: nil)
            }
        }

        /// debug=1 has no states; infer the common ones from the innermost runtime frames.
        mutating func inferState(_ functions: [Range<Int>]) -> Int32 {
            // Go hides the parking frames in some versions; then the state cannot be known from a debug=1 dump.
            var label = "unknown"
            var parked = false
            for f in functions {
                let text = String(
                    decoding: UnsafeBufferPointer(start: base + f.lowerBound, count: f.count), as: UTF8.self)
                if text == "runtime.gopark" || text == "runtime.goparkunlock" || text == "runtime.park_m" {
                    parked = true
                    label = "waiting"
                    continue
                }
                if text.hasSuffix("selectgo") || text == "runtime.block" {
                    label = "select"
                } else if text.hasSuffix("chanrecv") || text.hasSuffix("chanrecv1") || text.hasSuffix("chanrecv2") {
                    label = "chan receive"
                } else if text.hasSuffix("chansend") || text.hasSuffix("chansend1") {
                    label = "chan send"
                } else if text.contains("netpollblock") || text.hasSuffix("runtime_pollWait") {
                    label = "IO wait"
                } else if text.contains("Semacquire") || text.contains("semacquire") || text.contains("notifyListWait")
                {
                    label = "semacquire"
                } else if text == "time.Sleep" {
                    label = "sleep"
                } else if text.hasPrefix("syscall.") || text.hasPrefix("runtime.futex") {
                    label = "syscall"
                } else if text.hasPrefix("runtime.") && parked {
                    label = "waiting"
                } else if text.hasPrefix("runtime/pprof.") {
                    label = "running"
                }
                break
            }
            if let known = inferredStates[label] { return known }
            let id = Int32(-2 - inferredStateNames.count)
            inferredStateNames.append(label)
            inferredStates[label] = id
            return id
        }

        // MARK: grouping

        mutating func add(
            state: Int32, frames: [Int32], creator: Int32, arguments: [Int32], count: Int,
            wait: Int?, locked: Bool, id: Int?
        ) {
            total += count
            let key = GroupKey(
                state: mode == .exact ? state : -1, frames: frames, creator: creator, arguments: arguments)
            let index: Int
            if let existing = groups[key] {
                index = existing
            } else {
                index = accumulators.count
                groups[key] = index
                accumulators.append(GroupAccumulator(frames: frames, creator: creator, arguments: arguments))
            }
            accumulators[index].count += count
            accumulators[index].states[state, default: 0] += count
            if let wait {
                accumulators[index].waitMin = min(accumulators[index].waitMin, wait)
                accumulators[index].waitMax = max(accumulators[index].waitMax, wait)
            }
            if locked { accumulators[index].locked += count }
            if let id, accumulators[index].sampleIDs.count < 5 { accumulators[index].sampleIDs.append(id) }
        }

        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
        }

        func stateName(_ id: Int32) -> String {
            if id <= -2 { return inferredStateNames[Int(-2 - id)] }
            return string(statesInterner.spans[Int(id)])
        }

        mutating func finish() -> GoroutineDump {
            var frameCache: [Int32: StackFrame] = [:]
            func frame(_ id: Int32) -> StackFrame {
                if let f = frameCache[id] { return f }
                let t = frameTriples[Int(id)]
                let f: StackFrame
                if t.function < 0 {
                    f = StackFrame(function: "...frames elided...", file: "", line: 0, isElided: true)
                } else {
                    f = StackFrame(
                        function: string(functions.spans[Int(t.function)]), file: string(files.spans[Int(t.file)]),
                        line: Int(t.line))
                }
                frameCache[id] = f
                return f
            }
            var out: [GoroutineGroup] = []
            out.reserveCapacity(accumulators.count)
            for a in accumulators {
                var states: [String: Int] = [:]
                for (s, n) in a.states { states[stateName(s), default: 0] += n }
                out.append(
                    GoroutineGroup(
                        count: a.count, states: states,
                        waitMinutes: a.waitMin <= a.waitMax ? a.waitMin...a.waitMax : nil,
                        lockedToThread: a.locked, frames: a.frames.map(frame),
                        createdBy: a.creator >= 0 ? frame(a.creator) : nil, sampleIDs: a.sampleIDs,
                        arguments: a.arguments.map { $0 >= 0 ? string(argumentLists.spans[Int($0)]) : "" }))
            }
            out.sort { lhs, rhs in
                if lhs.count != rhs.count { return lhs.count > rhs.count }
                return (lhs.frames.first?.function ?? "") < (rhs.frames.first?.function ?? "")
            }
            let level =
                declaredTotal != nil
                    || (accumulators.isEmpty == false && accumulators.allSatisfy { $0.sampleIDs.isEmpty }) ? 1 : 2
            return GoroutineDump(
                debugLevel: level, total: total, groups: out, mode: mode, skippedLines: skipped,
                declaredTotal: declaredTotal)
        }

        // MARK: helpers

        func find(_ byte: UInt8, in range: Range<Int>) -> Int? {
            var i = range.lowerBound
            while i < range.upperBound {
                if base[i] == byte { return i }
                i += 1
            }
            return nil
        }

        func findLiteral(_ literal: StaticString, in range: Range<Int>) -> Int? {
            let n = literal.utf8CodeUnitCount
            guard range.count >= n else { return nil }
            var i = range.lowerBound
            while i + n <= range.upperBound {
                if base[i] == literal.utf8Start[0] && memcmp(base + i, literal.utf8Start, n) == 0 { return i }
                i += 1
            }
            return nil
        }

        func tabFields(_ range: Range<Int>) -> [Range<Int>] {
            var fields: [Range<Int>] = []
            var start = range.lowerBound
            var i = range.lowerBound
            // Go aligns the columns with a tabwriter: a run of tabs is one separator.
            while i < range.upperBound {
                if base[i] == 0x09 {
                    if i > start { fields.append(start..<i) }
                    start = i + 1
                }
                i += 1
            }
            if range.upperBound > start { fields.append(start..<range.upperBound) }
            return fields
        }
    }
}
