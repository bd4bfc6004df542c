/// One function with its callers and callees, as `go tool pprof -peek` shows them: each edge's value is the value
/// of the stacks where the caller calls the callee (once per stack).
public struct PprofPeek: Sendable, Equatable {
    public struct Edge: Sendable, Equatable {
        public var function: Int
        public var value: Int64
    }

    public var function: Int
    public var flat: Int64
    public var cum: Int64
    /// Largest first.
    public var callers: [Edge]
    public var callees: [Edge]

    public static func of(_ profile: PprofProfile, function target: Int, type t: Int) -> PprofPeek {
        var flat: Int64 = 0
        var cum: Int64 = 0
        var callers: [Int: Int64] = [:]
        var callees: [Int: Int64] = [:]
        let n = profile.sampleTypes.count
        let target32 = Int32(target)
        for s in 0..<profile.stackCount {
            let v = profile.values[s * n + t]
            if v == 0 { continue }
            let stack = profile.stack(s)
            guard stack.contains(target32) else { continue }
            cum &+= v
            if stack.first == target32 { flat &+= v }
            var seenCallers: Set<Int32> = []
            var seenCallees: Set<Int32> = []
            for k in stack.indices where stack[k] == target32 {
                // Leaf first: the caller is the next frame, the callee the previous one.
                if k + 1 < stack.endIndex, seenCallers.insert(stack[k + 1]).inserted {
                    callers[Int(stack[k + 1]), default: 0] &+= v
                }
                if k > stack.startIndex, seenCallees.insert(stack[k - 1]).inserted {
                    callees[Int(stack[k - 1]), default: 0] &+= v
                }
            }
        }
        func sorted(_ edges: [Int: Int64]) -> [Edge] {
            edges.map { Edge(function: $0.key, value: $0.value) }.sorted {
                $0.value != $1.value
                    ? $0.value > $1.value : profile.functions[$0.function].name < profile.functions[$1.function].name
            }
        }
        return PprofPeek(
            function: target, flat: flat, cum: cum, callers: sorted(callers), callees: sorted(callees))
    }
}
