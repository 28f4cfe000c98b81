/// The output of a decoder before it becomes a `Dataset`: N×C×H×W bytes and N 0-based labels.
struct DecodedImages {
    var count: Int
    var channels: Int
    var height: Int
    var width: Int
    var pixels: [UInt8]
    var labels: [Int32]

    func dataset(named name: String) -> Dataset {
        Dataset(name: name, count: count, channels: channels, height: height, width: width, pixels: pixels, labels: labels)
    }
}
