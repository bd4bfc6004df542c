/// Instances whose p99 latency or goroutine count stands far above the fleet's median: the judgement the fleet
/// screen marks (◆), made here so that the screen only draws it.
public struct FleetOutliers: Sendable, Equatable {
    public var p99: Set<InstanceID> = []
    public var goroutines: Set<InstanceID> = []

    /// Fewer instances than this have no meaningful median to stand out from.
    public static let minimumFleet = 3

    public init(p99: Set<InstanceID> = [], goroutines: Set<InstanceID> = []) {
        self.p99 = p99
        self.goroutines = goroutines
    }

    /// Outliers among the instances that are up: a value more than `settings.outlierFactor` times the median of
    /// that column. O(n log n).
    public init(_ instances: [InstanceState], settings: Settings) {
        guard instances.count >= Self.minimumFleet else { return }
        // Indices, not elements: an instance is a large value, and copying hundreds of them per frame shows.
        let up = instances.indices.filter { instances[$0].status.isUp }
        func outliers(_ value: (Int) -> Double?) -> Set<InstanceID> {
            let values = up.compactMap(value).sorted()
            guard !values.isEmpty else { return [] }
            let n = values.count
            let median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
            guard median > 0 else { return [] }
            return Set(
                instances.indices.filter { value($0).map { $0 > median * settings.outlierFactor } ?? false }.map {
                    instances[$0].id
                })
        }
        p99 = outliers { instances[$0].latency.p99 }
        goroutines = outliers { instances[$0].reading?.goroutines }
    }
}

extension AppState {
    /// The outliers of the fleet now.
    public var outliers: FleetOutliers { FleetOutliers(instances, settings: settings) }
}
