@testable import JuleCluster
import XCTest

final class ClusterCompositionTests: XCTestCase {
    /// Classes 0 and 1 share cluster 7, class 2 is split over clusters 3 and 9, class 3 is cluster 5 alone.
    private let truth = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3]
    private let predicted = [7, 7, 7, 7, 7, 7, 3, 3, 9, 9, 5, 5]

    func testClustersLargestFirstWithTheirClassesMostFirst() {
        let c = ClusterComposition(truth: truth, predicted: [7, 7, 7, 7, 7, 3, 3, 3, 9, 9, 5, 5])
        XCTAssertEqual(c.clusters.map(\.label), [7, 3, 5, 9])  // sizes 5, 3, 2, 2: ties by label
        XCTAssertEqual(c.clusters[0].classes, [.init(label: 0, count: 3), .init(label: 1, count: 2)])
        XCTAssertEqual(c.clusters[1].classes, [.init(label: 2, count: 2), .init(label: 1, count: 1)])
        XCTAssertEqual(c.clusters.map(\.size).reduce(0, +), truth.count)
    }

    func testClassesListTheirClustersAndTheDiagnosesFollow() {
        let c = ClusterComposition(truth: truth, predicted: predicted)
        XCTAssertEqual(c.classes.map(\.label), [0, 1, 2, 3])
        XCTAssertEqual(c.classes[2].clusters, [.init(label: 3, count: 2), .init(label: 9, count: 2)])
        XCTAssertEqual(c.mixedClusters.map(\.label), [])  // cluster 7 is exactly half class 0: not under half
        XCTAssertEqual(c.splitClasses.map(\.label), [])  // class 2 is exactly half in cluster 3
        let joined = ClusterComposition(truth: [0, 1, 2, 2, 2], predicted: [1, 1, 1, 2, 3])
        XCTAssertEqual(joined.mixedClusters.map(\.label), [1])  // 1 of 3 is class 0, 1, or 2
        XCTAssertEqual(joined.splitClasses.map(\.label), [2])  // 1 of 3 in each cluster
        XCTAssertEqual(c.wholeClasses.map(\.label), [3])  // class 2 is split, classes 0 and 1 share cluster 7
        let pure = ClusterComposition(truth: [0, 0, 1, 1, 2], predicted: [5, 5, 6, 7, 7])
        XCTAssertEqual(pure.wholeClasses.map(\.label), [0])  // class 1 is split; class 2 shares cluster 7 with it
    }

    func testTableNamesEveryClusterAndOnlyTheSplitClasses() throws {
        let text = ClusterComposition(truth: truth, predicted: predicted).table(shown: 1)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "4 clusters for 4 classes; 0 clusters without a majority class, "
                       + "0 classes without a majority cluster; smallest cluster 2 samples")
        XCTAssertEqual(lines[1], "1 of 4 classes whole (all of a class in one cluster that holds no other class)")
        XCTAssertTrue(lines.contains("      7        6   50%  0:3 +1 more (3)"), text)
        let classHeader = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("class") }, text)
        XCTAssertEqual(Array(lines[(classHeader + 1)...]), ["      2        4   50%  3:2 +1 more (2)"])
        let whole = ClusterComposition(truth: [0, 0, 1], predicted: [4, 4, 6]).table()
        XCTAssertTrue(whole.hasSuffix("every class lies in one cluster"), whole)
    }

    func testTableWritesClassNamesWhereGiven() throws {
        let names = ["cat", "dog", "horse", "owl"]
        let text = ClusterComposition(truth: truth, predicted: predicted).table(shown: 2, classNames: names)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.contains("      7        6   50%  cat:3 dog:3"), text)
        // The class column names the class; the cluster lists of a class stay cluster ids.
        let classHeader = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("class") }, text)
        XCTAssertEqual(Array(lines[(classHeader + 1)...]), ["  horse        4   50%  3:2 9:2"])
        // Labels past the names (a label file with more classes than the entry names) stay numbers.
        let short = ClusterComposition(truth: truth, predicted: predicted).table(shown: 2, classNames: ["cat"])
        XCTAssertTrue(short.contains("      7        6   50%  cat:3 1:3"), short)
    }

    func testClassColumnWidensForLongNames() throws {
        let names = ["cat", "dog", "a-long-class-name", "owl"]
        let text = ClusterComposition(truth: truth, predicted: predicted).table(shown: 2, classNames: names)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let classHeader = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("class") }, text)
        XCTAssertEqual(lines[classHeader], "class" + String(repeating: " ", count: 12) + "     size  top   "
                       + "clusters (cluster:count, most first), classes in more than one cluster")
        XCTAssertEqual(Array(lines[(classHeader + 1)...]), ["a-long-class-name        4   50%  3:2 9:2"])
        // "size" ends where the counts end, whatever the names' width.
        let header = lines[classHeader], row = lines[classHeader + 1]
        XCTAssertEqual(header.range(of: "size")!.upperBound.utf16Offset(in: header),
                       row.range(of: " 4 ")!.lowerBound.utf16Offset(in: row) + 2)
    }

    func testRoundTripsThroughJSON() throws {
        let c = ClusterComposition(truth: truth, predicted: predicted)
        let back = try JSONDecoder().decode(ClusterComposition.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(back, c)
    }
}
