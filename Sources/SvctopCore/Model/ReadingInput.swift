/// What a reading is made from: per numbered name its sum (and whether any sample had it), and, in input order,
/// the samples whose labels it reads, with those labels.
struct ReadingInput {
    struct Labels {
        /// The `le` bound, parsed; nil when absent or not a number.
        var le: Double?
        /// The `quantile`, parsed; nil when absent or not a number.
        var quantile: Double?
        var handler: String?
        var hasCode = false
        /// The `code` label starts with 5.
        var isError = false
    }
    struct Labelled {
        var position: Int32
        var value: Double
        var labels: Labels
    }
    var sums: [Double]
    var present: [Bool]
    var labelled: [Labelled] = []

    init(count: Int) {
        sums = [Double](repeating: 0, count: count)
        present = [Bool](repeating: false, count: count)
    }

    mutating func add(_ position: Int, _ value: Double) {
        sums[position] += value
        present[position] = true
    }

    /// The sum of the samples numbered `position`; nil when there was none (or the name is not wanted).
    func sum(_ position: Int) -> Double? { position >= 0 && present[position] ? sums[position] : nil }

    func contains(_ position: Int) -> Bool { position >= 0 && present[position] }

    /// Calls `body` with each kept sample numbered `position`, in input order.
    func forEach(_ position: Int, _ body: (Labelled) -> Void) {
        guard contains(position) else { return }
        for entry in labelled where entry.position == position { body(entry) }
    }
}
