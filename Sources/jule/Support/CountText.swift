/// A count with its noun, singular for one: "1 cell", "2 cells", "0 cells".
enum CountText {
    static func of(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}
