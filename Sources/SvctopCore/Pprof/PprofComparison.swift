/// Compares two profiles function by function (by name, since the tables of two profiles differ).
///
/// Heap profiles are snapshots: a function's in-use value that grew between them is memory that is kept, and the
/// growth per minute ranks where memory is climbing. CPU profiles are totals over their duration: they are
/// compared per second of profiling, so profiles of different lengths compare fairly.
public enum PprofComparison {
    public static func compare(
        before: PprofProfile, at beforeTime: Double, after: PprofProfile, at afterTime: Double,
        sampleType name: String, order: PprofOrder
    ) -> [PprofDelta] {
        guard let tb = before.sampleType(named: name), let ta = after.sampleType(named: name) else { return [] }
        let perSecond = after.kind == .cpu
        func values(_ p: PprofProfile, _ t: Int) -> [String: (value: Int64, function: PprofFunction)] {
            let table = PprofTable.top(p, type: t, order: order)
            let scale = perSecond && p.durationSeconds > 0 ? 1 / p.durationSeconds : 1
            var out: [String: (Int64, PprofFunction)] = [:]
            for row in table.rows {
                let v = order == .flat ? row.flat : row.cum
                out[p.functions[row.function].name] = (Int64((Double(v) * scale).rounded()), p.functions[row.function])
            }
            return out
        }
        let old = values(before, tb)
        let new = values(after, ta)
        let minutes = (afterTime - beforeTime) / 60
        var deltas: [PprofDelta] = []
        for name in Set(old.keys).union(new.keys) {
            let b = old[name]?.value ?? 0
            let a = new[name]?.value ?? 0
            guard a != b, let function = new[name]?.function ?? old[name]?.function else { continue }
            deltas.append(
                PprofDelta(
                    name: name, file: function.file, isStandardLibrary: function.isStandardLibrary, before: b,
                    after: a, perMinute: !perSecond && minutes > 0 ? Double(a - b) / minutes : nil))
        }
        return deltas.sorted { $0.growth != $1.growth ? $0.growth > $1.growth : $0.name < $1.name }
    }
}
