import XCTest
@testable import JuleCompute

final class NetworkSpecTests: XCTestCase {
    /// §2 table: F for every preset, the YTF variants, and the CIFAR/STL inputs.
    func testFlattenSizeOfEveryPreset() throws {
        let expected: [(String, Int, [Int])] = [
            ("MNIST", 3200, [1, 28, 28]), ("MNIST-full", 3200, [1, 28, 28]), ("USPS", 1800, [1, 16, 16]),
            ("COIL-20", 1250, [1, 128, 128]), ("COIL-100", 1250, [3, 128, 128]), ("UMist", 8400, [1, 112, 92]),
            ("UMist-32", 1250, [1, 32, 32]), ("FRGC", 1250, [3, 32, 32]), ("CMU-PIE", 1250, [1, 32, 32]),
            ("YTF", 9800, [3, 55, 55]), ("YTF-pad0", 6050, [3, 55, 55]), ("CIFAR", 1250, [3, 32, 32]),
            ("STL", 4050, [3, 96, 96]),
        ]
        for (name, f, shape) in expected {
            let spec = try XCTUnwrap(NetworkSpec.preset(name), name)
            XCTAssertEqual(spec.flattenSize, f, name)
            XCTAssertEqual([spec.inputChannels, spec.inputHeight, spec.inputWidth], shape, name)
            XCTAssertEqual(spec.embeddingDimension, 160, name)
            XCTAssertTrue(spec.blocks.allSatisfy { $0.filters == 50 && $0.kernel == 5 }, name)
        }
        XCTAssertEqual(NetworkSpec.preset("coil-20"), NetworkSpec.preset("COIL-20"))
        XCTAssertNil(NetworkSpec.preset("ImageNet"))
        for name in NetworkSpec.presetNames { XCTAssertNotNil(NetworkSpec.preset(name), name) }
    }

    func testShapeTraces() throws {
        let coil = try XCTUnwrap(NetworkSpec.preset("COIL-20"))
        XCTAssertEqual((1...4).map { coil.shape(beforeBlock: $0).height }, [62, 29, 13, 5])
        let umist = try XCTUnwrap(NetworkSpec.preset("UMist"))
        XCTAssertEqual((1...3).map { [umist.shape(beforeBlock: $0).height, umist.shape(beforeBlock: $0).width] },
                       [[56, 46], [28, 23], [14, 12]])
        let mnist = try XCTUnwrap(NetworkSpec.preset("MNIST"))
        XCTAssertEqual(mnist.blocks.map(\.pool), [true, false])
        XCTAssertEqual(mnist.shape(beforeBlock: 2).height, 8)
    }

    /// The design rule reproduces the regular presets and sizes a user's dataset without code.
    func testDesignRule() {
        XCTAssertEqual(NetworkSpec.designRule(channels: 1, height: 128, width: 128), NetworkSpec.preset("COIL-20"))
        XCTAssertEqual(NetworkSpec.designRule(channels: 3, height: 32, width: 32), NetworkSpec.preset("FRGC"))
        XCTAssertEqual(NetworkSpec.designRule(channels: 1, height: 16, width: 16), NetworkSpec.preset("USPS"))
        let odd = NetworkSpec.designRule(channels: 2, height: 200, width: 64)
        XCTAssertEqual(odd.blocks.count, 3)  // 64 → 30 → 13 → 5
        XCTAssertLessThanOrEqual(min(odd.shape(beforeBlock: 3).height, odd.shape(beforeBlock: 3).width), 10)
        XCTAssertTrue(odd.isValid)
        let tiny = NetworkSpec.designRule(channels: 1, height: 4, width: 4)
        XCTAssertEqual(tiny.blocks.count, 0)
        XCTAssertEqual(tiny.flattenSize, 16)
    }

    func testCodableRoundTrip() throws {
        let spec = try XCTUnwrap(NetworkSpec.preset("YTF"))
        let decoded = try JSONDecoder().decode(NetworkSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(decoded, spec)
    }

    /// Initialisation (§2): weights ~ N(0, 0.01²), biases and β 0, γ ~ U(0, 1), running mean 0 and variance 1.
    func testInitialisation() throws {
        let spec = try XCTUnwrap(NetworkSpec.preset("FRGC"))
        let network = Network(spec: spec, seed: 3)
        let p = network.parameters
        let block = network.blocks[1]
        let weights = p[network.linear.weightOffset..<network.linear.biasOffset].map(Double.init)
        let mean = weights.reduce(0, +) / Double(weights.count)
        let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(weights.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 1e-4)
        XCTAssertEqual(std, 0.01, accuracy: 2e-4)
        XCTAssertTrue(p[block.biasOffset..<block.gammaOffset].allSatisfy { $0 == 0 })
        XCTAssertTrue(p[block.betaOffset..<(block.betaOffset + 50)].allSatisfy { $0 == 0 })
        let gamma = p[block.gammaOffset..<block.betaOffset]
        XCTAssertTrue(gamma.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertGreaterThan(Set(gamma).count, 40)
        XCTAssertEqual(network.runningStatistics, Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50)
                       + Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50))
        XCTAssertEqual(Network(spec: spec, seed: 3).parameters, p)
        XCTAssertNotEqual(Network(spec: spec, seed: 4).parameters, p)
    }
}

import Foundation
