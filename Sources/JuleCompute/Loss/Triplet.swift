/// One (anchor, positive, negative) triplet of batch positions (§4.2).
public struct Triplet: Equatable, Sendable {
    public var anchor: Int32
    public var positive: Int32
    public var negative: Int32

    public init(anchor: Int, positive: Int, negative: Int) {
        self.anchor = Int32(anchor)
        self.positive = Int32(positive)
        self.negative = Int32(negative)
    }
}
