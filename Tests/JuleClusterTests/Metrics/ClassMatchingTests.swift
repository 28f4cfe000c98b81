import JuleCluster
import JuleData
import XCTest

final class ClassMatchingTests: XCTestCase {
    func testMatchesClustersToTheirMajorityClasses() {
        // Clusters 30, 10, 20 mostly hold classes 2, 0, 1; cluster 40 is left over (more clusters than classes).
        let truth = [2, 2, 2, 1, 0, 0, 0, 1, 1, 2, 0]
        let predicted = [30, 30, 30, 30, 10, 10, 10, 20, 20, 20, 40]
        let matching = ClassMatching(truth: truth, predicted: predicted)
        XCTAssertEqual(matching.classOfCluster, [30: 2, 10: 0, 20: 1])
        XCTAssertEqual(matching.matchedSamples, 8)
        // Fewer clusters than classes: some classes stay unmatched.
        XCTAssertEqual(ClassMatching(truth: [0, 0, 1, 2, 2, 2], predicted: [5, 5, 5, 6, 6, 6]).classOfCluster, [5: 0, 6: 2])
    }

    /// The matched samples are exactly what ACC counts, on random labelings of either shape.
    func testMatchedSamplesAgreeWithAccuracy() {
        var generator = SeededGenerator(seed: 21)
        for trial in 0..<40 {
            let n = 30 + trial, classes = 2 + trial % 5, clusters = 1 + (trial * 3) % 8
            let truth = (0..<n).map { _ in Int(generator.next() % UInt64(classes)) }
            let predicted = (0..<n).map { _ in Int(generator.next() % UInt64(clusters)) * 7 }
            let matching = ClassMatching(truth: truth, predicted: predicted)
            XCTAssertEqual(Double(matching.matchedSamples) / Double(n), ClusterMetrics.accuracy(truth: truth, predicted: predicted),
                           accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(Set(matching.classOfCluster.values).count, matching.classOfCluster.count, "one-to-one")
            XCTAssertEqual(matching.classOfCluster.count, min(Set(truth).count, Set(predicted).count))
        }
    }
}
