/// A cumulative histogram bucket: the count of observations `<= upperBound`.
public struct Bucket: Sendable, Equatable {
    public var upperBound: Double
    public var count: Double
    public init(upperBound: Double, count: Double) {
        self.upperBound = upperBound
        self.count = count
    }
}
