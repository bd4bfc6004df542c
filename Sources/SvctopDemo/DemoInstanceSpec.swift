/// One instance of the demo fleet.
public struct DemoInstanceSpec: Sendable, Equatable {
    public var name: String
    public var scenario: Scenario
    public init(name: String, scenario: Scenario) {
        self.name = name
        self.scenario = scenario
    }

    /// The fleet for `count` instances: one of each scenario first, then healthy ones. `only` restricts the
    /// incidents to one scenario (the rest stay healthy).
    public static func fleet(count: Int, only: Scenario? = nil) -> [DemoInstanceSpec] {
        let services = ["checkout", "orders", "payments", "catalog", "search", "users"]
        let incidents: [Scenario] = only.map { $0 == .healthy ? [] : [$0] } ?? [.leak, .saturated, .spiky, .flapping]
        return (0..<max(1, count)).map { i in
            let scenario = i < incidents.count ? incidents[i] : .healthy
            let service = services[(i / 2) % services.count]
            return DemoInstanceSpec(
                name: "\(service)-\(i % 2 == 0 ? "a" : "b")\(i >= 12 ? String(i / 12) : "")", scenario: scenario)
        }
    }
}
