/// The top functions of one sample type, as `go tool pprof -top` computes them: flat is the value of the stacks a
/// function is the leaf of; cum the value of the stacks it is anywhere on (counted once per stack, so recursion
/// does not count twice). Sorted by flat or cum, largest first, then by name.
public struct PprofTable: Sendable, Equatable {
    public var rows: [PprofRow]
    public var total: Int64

    public init(rows: [PprofRow], total: Int64) {
        self.rows = rows
        self.total = total
    }

    public static func top(_ profile: PprofProfile, type t: Int, order: PprofOrder) -> PprofTable {
        let count = profile.functions.count
        var flat = [Int64](repeating: 0, count: count)
        var cum = [Int64](repeating: 0, count: count)
        // The last stack each function was counted on, so that a function on a stack twice counts once.
        var seenOn = [Int32](repeating: -1, count: count)
        var total: Int64 = 0
        let n = profile.sampleTypes.count
        profile.frames.withUnsafeBufferPointer { frames in
            for s in 0..<profile.stackCount {
                let v = profile.values[s * n + t]
                if v == 0 { continue }
                total &+= v
                let start = Int(profile.stackStarts[s])
                let end = Int(profile.stackStarts[s + 1])
                guard start < end else { continue }
                flat[Int(frames[start])] &+= v
                for k in start..<end {
                    let f = Int(frames[k])
                    if seenOn[f] != Int32(s) {
                        seenOn[f] = Int32(s)
                        cum[f] &+= v
                    }
                }
            }
        }
        var rows: [PprofRow] = []
        rows.reserveCapacity(count)
        for f in 0..<count where flat[f] != 0 || cum[f] != 0 {
            rows.append(PprofRow(function: f, flat: flat[f], cum: cum[f]))
        }
        let functions = profile.functions
        rows.sort { a, b in
            let (x, y) = order == .flat ? (abs(a.flat), abs(b.flat)) : (abs(a.cum), abs(b.cum))
            if x != y { return x > y }
            let (na, nb) = (functions[a.function].name, functions[b.function].name)
            if na != nb { return na < nb }
            return order == .flat ? abs(a.cum) > abs(b.cum) : abs(a.flat) > abs(b.flat)
        }
        return PprofTable(rows: rows, total: total)
    }
}
