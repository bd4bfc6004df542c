/// A pprof profile (CPU or heap) made ready for the profile view: names resolved from the profile's own string
/// table, inlined calls expanded into frames, functions of the same name merged (pprof's "functions"
/// granularity). Built by SvctopPprof from the protobuf; pure data here.
public struct PprofProfile: Sendable, Equatable {
    public var kind: PprofKind
    public var sampleTypes: [PprofSampleType]
    /// The sample type shown first: the profile's default, else the last one (pprof's rule).
    public var defaultSampleType: Int
    public var functions: [PprofFunction]
    /// All stacks' frames, leaf first, as indexes into `functions`. Stack `i` is
    /// `frames[stackStarts[i] ..< stackStarts[i + 1]]`.
    public var frames: [Int32]
    public var stackStarts: [Int32]
    /// `values[i * sampleTypes.count + t]`: stack `i`'s value of sample type `t`.
    public var values: [Int64]
    /// How long the profile ran (CPU), 0 when it is a snapshot (heap).
    public var durationSeconds: Double

    public init(
        kind: PprofKind, sampleTypes: [PprofSampleType], defaultSampleType: Int, functions: [PprofFunction],
        frames: [Int32], stackStarts: [Int32], values: [Int64], durationSeconds: Double
    ) {
        self.kind = kind
        self.sampleTypes = sampleTypes
        self.defaultSampleType = defaultSampleType
        self.functions = functions
        self.frames = frames
        self.stackStarts = stackStarts
        self.values = values
        self.durationSeconds = durationSeconds
    }

    public var stackCount: Int { max(0, stackStarts.count - 1) }

    /// The frames of stack `i`, leaf first.
    public func stack(_ i: Int) -> ArraySlice<Int32> { frames[Int(stackStarts[i])..<Int(stackStarts[i + 1])] }

    public func value(stack i: Int, type t: Int) -> Int64 { values[i * sampleTypes.count + t] }

    /// The sum of every stack's value of sample type `t`.
    public func total(type t: Int) -> Int64 {
        var sum: Int64 = 0
        for i in 0..<stackCount { sum &+= value(stack: i, type: t) }
        return sum
    }

    /// The index of the sample type called `name`, if the profile has it.
    public func sampleType(named name: String) -> Int? { sampleTypes.firstIndex { $0.name == name } }
}

extension PprofProfile {
    /// Collects stacks one sample at a time, merging functions by name, and identical stacks when `add` is used.
    public struct Builder {
        public let kind: PprofKind
        public let sampleTypes: [PprofSampleType]
        var functions: [PprofFunction] = []
        var functionIndex: [String: Int32] = [:]
        var stackIndex: [[Int32]: Int] = [:]
        var frames: [Int32] = []
        var stackStarts: [Int32] = [0]
        var values: [Int64] = []

        public init(kind: PprofKind, sampleTypes: [PprofSampleType]) {
            self.kind = kind
            self.sampleTypes = sampleTypes
        }

        /// The index of the function called `name` (added on first sight).
        public mutating func function(name: String, file: String) -> Int32 {
            if let i = functionIndex[name] { return i }
            let i = Int32(functions.count)
            functions.append(PprofFunction(name: name, file: file))
            functionIndex[name] = i
            return i
        }

        /// Adds one sample: its stack (leaf first) and one value per sample type (missing values count 0).
        public mutating func add(stack: [Int32], values sample: [Int64]) {
            let n = sampleTypes.count
            let slot: Int
            if let existing = stackIndex[stack] {
                slot = existing
            } else {
                slot = stackStarts.count - 1
                stackIndex[stack] = slot
                frames.append(contentsOf: stack)
                stackStarts.append(Int32(frames.count))
                values.append(contentsOf: repeatElement(0, count: n))
            }
            for t in 0..<min(n, sample.count) { values[slot * n + t] &+= sample[t] }
        }

        /// Adds one sample as a stack of its own, without looking for an identical one: what pprof does, and
        /// much cheaper for a decoder reading 100,000 samples (sums over stacks do not care).
        public mutating func append(stack: [Int32], values sample: [Int64]) {
            let n = sampleTypes.count
            frames.append(contentsOf: stack)
            stackStarts.append(Int32(frames.count))
            for t in 0..<n { values.append(t < sample.count ? sample[t] : 0) }
        }

        /// Makes room for `stacks` stacks of `frames` frames in all.
        public mutating func reserve(stacks: Int, frames count: Int) {
            frames.reserveCapacity(count)
            stackStarts.reserveCapacity(stacks + 1)
            values.reserveCapacity(stacks * sampleTypes.count)
        }

        public func build(defaultSampleType: Int?, durationSeconds: Double) -> PprofProfile {
            let fallback = max(0, sampleTypes.count - 1)
            return PprofProfile(
                kind: kind, sampleTypes: sampleTypes,
                defaultSampleType: defaultSampleType.flatMap { sampleTypes.indices.contains($0) ? $0 : nil }
                    ?? fallback,
                functions: functions, frames: frames, stackStarts: stackStarts, values: values,
                durationSeconds: durationSeconds)
        }
    }
}
