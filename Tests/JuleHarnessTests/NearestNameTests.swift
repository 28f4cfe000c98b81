@testable import JuleHarness
import XCTest

/// "did you mean …?": the closest known setting, a unique one of the same last component, or nothing.
final class NearestNameTests: XCTestCase {
    let names = ["training.margin", "training.momentum", "training.batchSize", "clustering.neighbourCount",
                 "clustering.unrollingRate", "epochsPerPeriod"]

    func testSuggestsTheClosestName() {
        XCTAssertEqual(NearestName.suggestion(for: "training.marginn", among: names), "training.margin")
        XCTAssertEqual(NearestName.suggestion(for: "training.batchsize", among: names), "training.batchSize")
        XCTAssertEqual(NearestName.suggestion(for: "clustering.neighborCount", among: names), "clustering.neighbourCount")
        XCTAssertEqual(NearestName.suggestion(for: "epochsperperiod", among: names), "epochsPerPeriod")
        XCTAssertEqual(NearestName.suggestion(for: "trian", among: ["train", "check", "eval"]), "train")
    }

    func testFallsBackToTheSameLastComponent() {
        XCTAssertEqual(NearestName.suggestion(for: "margin", among: names), "training.margin")
        XCTAssertEqual(NearestName.suggestion(for: "network.unrollingRate", among: names), "clustering.unrollingRate")
    }

    func testSaysNothingWhenNothingIsClose() {
        XCTAssertNil(NearestName.suggestion(for: "compute.fast", among: names))
        XCTAssertNil(NearestName.suggestion(for: "", among: names))
        XCTAssertNil(NearestName.suggestion(for: "x", among: []))
    }

    func testDistance() {
        func d(_ a: String, _ b: String) -> Int { NearestName.distance(Array(a), Array(b)) }
        XCTAssertEqual(d("kitten", "sitting"), 3)
        XCTAssertEqual(d("", "abc"), 3)
        XCTAssertEqual(d("abc", ""), 3)
        XCTAssertEqual(d("same", "same"), 0)
        XCTAssertEqual(d("trian", "train"), 1, "a swap of neighbours is one edit")
        XCTAssertEqual(d("ca", "abc"), 3, "optimal string alignment: no edit of a swapped pair")
    }
}
