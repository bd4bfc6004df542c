/// Compares two dumps group by group (groups are matched by their frames and creator).
public enum DumpComparison {
    /// The deltas, largest growth first; groups that vanished come last with negative growth.
    public static func compare(
        before: GoroutineDump, at beforeTime: Double, after: GoroutineDump, at afterTime: Double
    ) -> [GroupDelta] {
        func totals(_ dump: GoroutineDump) -> (order: [String], groups: [String: GoroutineGroup], counts: [String: Int])
        {
            var order: [String] = []
            var groups: [String: GoroutineGroup] = [:]
            var counts: [String: Int] = [:]
            for g in dump.groups {
                let key = g.signature
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = g
                }
                counts[key, default: 0] += g.count
            }
            return (order, groups, counts)
        }
        let old = totals(before)
        let new = totals(after)
        let minutes = (afterTime - beforeTime) / 60
        var deltas: [GroupDelta] = []
        for key in new.order {
            deltas.append(delta(new.groups[key]!, old.counts[key] ?? 0, new.counts[key]!, minutes))
        }
        for key in old.order where new.groups[key] == nil {
            deltas.append(delta(old.groups[key]!, old.counts[key]!, 0, minutes))
        }
        return deltas.sorted { a, b in
            if a.growth != b.growth { return a.growth > b.growth }
            return a.after > b.after
        }
    }

    private static func delta(_ g: GoroutineGroup, _ before: Int, _ after: Int, _ minutes: Double) -> GroupDelta {
        GroupDelta(
            group: g, before: before, after: after, perMinute: minutes > 0 ? Double(after - before) / minutes : nil)
    }
}
