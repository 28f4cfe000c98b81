import Foundation
import JuleData
import XCTest
import _JuleTestSupport
@testable import JuleCompute

final class TrainingTests: XCTestCase {
    /// A toy labelled set: 4 classes of 1×12×12 images, each a class-specific bar pattern plus noise.
    private func toySet(count: Int, seed: UInt64) -> (images: [Float], labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        var images = [Float](), labels = [Int]()
        for i in 0..<count {
            let label = i % 4
            labels.append(label)
            for y in 0..<12 {
                for x in 0..<12 {
                    let on: Bool
                    switch label {
                    case 0: on = (y / 3) % 2 == 0
                    case 1: on = (x / 3) % 2 == 0
                    case 2: on = ((x + y) / 3) % 2 == 0
                    default: on = abs(x - 6) + abs(y - 6) < 5
                    }
                    images.append(min(1, max(0, (on ? 0.7 : 0.2) + 0.25 * Float(rng.nextGaussian()))))
                }
            }
        }
        return (images, labels)
    }

    private let toySpec = NetworkSpec(inputChannels: 1, inputHeight: 12, inputWidth: 12,
                                      blocks: [ConvBlockSpec(filters: 8, kernel: 5, padding: 0, pool: true)],
                                      embeddingDimension: 16)

    private var toyConfiguration: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.batchSize = 40
        c.momentumStyle = .caffe   // ≈10× the dampened rate, so the toy learns in a few epochs
        return c
    }

    func testTripletSamplerCountsAndRules() {
        var rng = SeededGenerator(seed: 1)
        let labels = (0..<100).map { $0 % 10 }
        let triplets = TripletSampler.sample(labels: labels, negativesPerPair: 20, using: &rng)
        XCTAssertEqual(triplets.count, 10 * 45 * 9)  // §4.2: 4,050
        for t in triplets {
            XCTAssertEqual(labels[Int(t.anchor)], labels[Int(t.positive)])
            XCTAssertLessThan(t.anchor, t.positive)
            XCTAssertNotEqual(labels[Int(t.anchor)], labels[Int(t.negative)])
        }
        // Negatives of one pair are distinct.
        for k in stride(from: 0, to: triplets.count, by: 9) {
            XCTAssertEqual(Set(triplets[k..<(k + 9)].map(\.negative)).count, 9)
        }
        // num_neg = 20 when more than 20 other labels are present; none with one label.
        let many = (0..<60).map { $0 % 30 }
        XCTAssertEqual(TripletSampler.sample(labels: many, negativesPerPair: 20, using: &rng).count, 30 * 1 * 20)
        XCTAssertTrue(TripletSampler.sample(labels: [3, 3, 3], negativesPerPair: 20, using: &rng).isEmpty)
        // Deterministic from the generator.
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        XCTAssertEqual(TripletSampler.sample(labels: labels, negativesPerPair: 20, using: &a),
                       TripletSampler.sample(labels: labels, negativesPerPair: 20, using: &b))
    }

    func testLearningRatePolicyAndMomentumForms() {
        let c = TrainingConfiguration()
        XCTAssertEqual(c.learningRate(at: 0), 0.01)
        XCTAssertEqual(c.learningRate(at: 10_000), 0.01 * pow(2, -0.75), accuracy: 1e-12)
        var torch = SGDOptimizer(parameterCount: 1)
        var theta: [Float] = [1]
        var config = TrainingConfiguration()
        config.weightDecay = 0
        torch.step(parameters: &theta, gradients: [2], learningRate: 0.1, configuration: config)
        XCTAssertEqual(theta[0], 1 - 0.2, accuracy: 1e-7)          // first step v = g
        torch.step(parameters: &theta, gradients: [2], learningRate: 0.1, configuration: config)
        XCTAssertEqual(torch.velocity[0], 0.9 * 2 + 0.1 * 2, accuracy: 1e-6)
        config.momentumStyle = .caffe
        config.weightDecay = 0.5
        var caffe = SGDOptimizer(parameterCount: 1)
        var phi: [Float] = [1]
        caffe.step(parameters: &phi, gradients: [2], learningRate: 0.1, configuration: config)
        XCTAssertEqual(phi[0], 1 - 0.1 * (2 + 0.5), accuracy: 1e-7)
        caffe.step(parameters: &phi, gradients: [2], learningRate: 0.1, configuration: config)
        XCTAssertEqual(caffe.velocity[0], 0.9 * 0.25 + 0.1 * (2 + 0.5 * 0.75), accuracy: 1e-6)
    }

    func testToyNetworkLearnsAndSeparatesClasses() {
        let (images, labels) = toySet(count: 160, seed: 4)
        let trainer = Trainer(network: Network(spec: toySpec, seed: 5), configuration: toyConfiguration, seed: 6)
        var losses: [Double] = []
        for _ in 0..<25 { losses.append(trainer.trainEpoch(images: images, count: 160, labels: labels).meanLoss) }
        XCTAssertLessThan(losses.last!, 0.5 * losses.first!, "losses \(losses)")
        XCTAssertEqual(trainer.iteration, 25 * 4)
        // Nearest class centroid of eval-mode embeddings of a fresh sample classifies it.
        let (test, truth) = toySet(count: 80, seed: 99)
        let e = trainer.network.embed(test, count: 80, batchSize: 40, batchNorm: .eval)
        let d = toySpec.embeddingDimension
        var centroids = [[Double]](repeating: [Double](repeating: 0, count: d), count: 4)
        for i in 0..<80 { for j in 0..<d { centroids[truth[i]][j] += Double(e[i * d + j]) } }
        var correct = 0
        for i in 0..<80 {
            let scores = centroids.map { c in (0..<d).map { c[$0] * Double(e[i * d + $0]) }.reduce(0, +) }
            if scores.firstIndex(of: scores.max()!) == truth[i] { correct += 1 }
        }
        XCTAssertGreaterThanOrEqual(correct, 76, "nearest-centroid accuracy \(correct)/80")
    }

    func testSameSeedGivesIdenticalBytes() {
        let (images, labels) = toySet(count: 90, seed: 4)
        func run(_ seed: UInt64) -> ([Float], [Float]) {
            let trainer = Trainer(network: Network(spec: toySpec, seed: seed), configuration: toyConfiguration, seed: seed)
            for _ in 0..<3 { _ = trainer.trainEpoch(images: images, count: 90, labels: labels) }
            return (trainer.network.parameters, trainer.network.embed(images, count: 90, batchNorm: .train))
        }
        let a = run(1), b = run(1), c = run(2)
        XCTAssertEqual(a.0.map(\.bitPattern), b.0.map(\.bitPattern))
        XCTAssertEqual(a.1.map(\.bitPattern), b.1.map(\.bitPattern))
        XCTAssertNotEqual(a.0, c.0)
    }

    /// Fixed chunks reduced in chunk order: with the package's own GEMM the result does not even depend on
    /// the number of workers.
    func testWorkerCountDoesNotChangeResultsWithSIMDGemm() {
        func run(_ workers: Int) -> [Float] { trainedParameters(kernel: .simd, workers: workers) }
        XCTAssertEqual(run(1).map(\.bitPattern), run(2).map(\.bitPattern))
        XCTAssertEqual(run(2).map(\.bitPattern), run(3).map(\.bitPattern))
    }

    /// BLIS (one thread per worker) is deterministic for a fixed worker count, and its fixed k-blocking keeps
    /// the result independent of the worker count too.
    func testBLISKernelIsDeterministic() throws {
        try XCTSkipUnless(CPUBackend.blisAvailable, "libblis.so.4 is not installed")
        func run(_ workers: Int) -> [Float] { trainedParameters(kernel: .blis, workers: workers) }
        let two = run(2)
        XCTAssertEqual(two.map(\.bitPattern), run(2).map(\.bitPattern))
        XCTAssertEqual(two.map(\.bitPattern), run(1).map(\.bitPattern))
        XCTAssertEqual(two.map(\.bitPattern), run(3).map(\.bitPattern))
    }

    func testEmptyBatchesStepUnlessSkipped() {
        let images = toySet(count: 40, seed: 1).images
        let labels = [Int](repeating: 0, count: 40)
        for skip in [false, true] {
            var c = toyConfiguration
            c.skipEmptyBatches = skip
            let trainer = Trainer(network: Network(spec: toySpec, seed: 1), configuration: c, seed: 1)
            let before = trainer.network.parameters
            let stats = trainer.trainEpoch(images: images, count: 40, labels: labels)
            XCTAssertEqual(stats.triplets, 0)
            XCTAssertEqual(trainer.iteration, 1)
            // Weight decay moves every non-zero parameter unless the batch is skipped.
            XCTAssertEqual(trainer.network.parameters == before, skip)
        }
    }

    func testCheckpointRoundTripContinuesIdentically() throws {
        let (images, labels) = toySet(count: 90, seed: 4)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.ckpt")
        let trainer = Trainer(network: Network(spec: toySpec, seed: 3), configuration: toyConfiguration, seed: 8)
        _ = trainer.trainEpoch(images: images, count: 90, labels: labels)
        try trainer.saveCheckpoint(to: url)
        _ = trainer.trainEpoch(images: images, count: 90, labels: labels)
        let restored = try Trainer.loadCheckpoint(from: url)
        XCTAssertEqual(restored.iteration, 3)
        XCTAssertEqual(restored.epochsCompleted, 1)
        XCTAssertEqual(restored.configuration, toyConfiguration)
        _ = restored.trainEpoch(images: images, count: 90, labels: labels)
        XCTAssertEqual(restored.network.parameters.map(\.bitPattern), trainer.network.parameters.map(\.bitPattern))
        XCTAssertEqual(restored.network.runningStatistics, trainer.network.runningStatistics)
        XCTAssertEqual(restored.optimizer.velocity, trainer.optimizer.velocity)
        // A checkpoint maps images to the same embeddings.
        XCTAssertEqual(restored.network.embed(images, count: 90), trainer.network.embed(images, count: 90))

        // Damaged files fail with a one-line error that names the file.
        var bytes = try Data(contentsOf: url)
        let truncated = directory.appendingPathComponent("truncated.ckpt")
        try bytes.prefix(bytes.count - 4).write(to: truncated)
        XCTAssertThrowsError(try Trainer.loadCheckpoint(from: truncated)) { error in
            XCTAssertTrue("\(error)".contains("truncated.ckpt"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        bytes[0] = 0x58
        let badMagic = directory.appendingPathComponent("magic.ckpt")
        try bytes.write(to: badMagic)
        XCTAssertThrowsError(try Trainer.loadCheckpoint(from: badMagic)) { error in
            XCTAssertTrue("\(error)".contains("bad magic"), "\(error)")
        }
        XCTAssertThrowsError(try Trainer.loadCheckpoint(from: directory.appendingPathComponent("missing.ckpt")))
    }

    /// A final model names its run (`origin`), read back as written; a model without one (an older build's) still
    /// loads, and `jule check` compares the two as the same training state.
    func testCheckpointNamesItsRunAndOlderModelsStillCompare() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trainer = Trainer(network: Network(spec: toySpec, seed: 3), configuration: toyConfiguration, seed: 8)
        let plain = directory.appendingPathComponent("plain.ckpt"), named = directory.appendingPathComponent("named.ckpt")
        try trainer.saveCheckpoint(to: plain)
        XCTAssertNil(try Trainer.loadCheckpoint(from: plain).origin)
        let origin = CheckpointOrigin(runID: "own-s1-0123abcd", configurationHash: "0123abcd", datasetSHA256: "feed")
        trainer.origin = origin
        try trainer.saveCheckpoint(to: named)
        XCTAssertEqual(try Trainer.loadCheckpoint(from: named).origin, origin)
        XCTAssertNil(try CheckpointContent.difference(plain, named))
    }

    func testDamagedPayloadIsRefusedAndVersionOneStillReads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.ckpt")
        let trainer = Trainer(network: Network(spec: toySpec, seed: 3), configuration: toyConfiguration, seed: 8)
        let (images, labels) = toySet(count: 90, seed: 4)
        _ = trainer.trainEpoch(images: images, count: 90, labels: labels)
        try trainer.saveCheckpoint(to: url)
        let bytes = try Data(contentsOf: url)
        XCTAssertEqual(Array(bytes[8..<12]), [2, 0, 0, 0], "format version 2")
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16
        let payloadStart = 16 + headerLength

        // A flipped weight is still a valid Float32: only the checksum tells.
        var damaged = bytes
        for k in 0..<16 { damaged[payloadStart + 40 + k] ^= 0xFF }
        let damagedURL = directory.appendingPathComponent("damaged.ckpt")
        try damaged.write(to: damagedURL)
        XCTAssertThrowsError(try Trainer.loadCheckpoint(from: damagedURL)) { error in
            XCTAssertTrue("\(error)".contains("damaged.ckpt"), "\(error)")
            XCTAssertTrue("\(error)".contains("checksum mismatch"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }

        // Version 1 (no checksum in the header) is read as before, damage included.
        let text = String(decoding: bytes[16..<payloadStart], as: UTF8.self)
        let checksum = try XCTUnwrap(text.range(of: #""payloadSHA256":"[0-9a-f]{64}","#, options: .regularExpression))
        let json = Data(text.replacingCharacters(in: checksum, with: "").utf8)
        func versionOne(payload: Data) -> Data {
            var data = Data("JULECKPT".utf8)
            data.append(contentsOf: [1, 0, 0, 0, UInt8(json.count & 0xFF), UInt8(json.count >> 8 & 0xFF), 0, 0])
            data.append(json)
            data.append(payload)
            return data
        }
        let v1 = directory.appendingPathComponent("v1.ckpt")
        try versionOne(payload: bytes.suffix(from: payloadStart)).write(to: v1)
        let restored = try Trainer.loadCheckpoint(from: v1)
        XCTAssertEqual(restored.network.parameters.map(\.bitPattern), trainer.network.parameters.map(\.bitPattern))
        // `jule check` of a run an older build made: the version-1 model holds the same state as the version-2 one.
        XCTAssertNil(try CheckpointContent.difference(url, v1))
        try versionOne(payload: damaged.suffix(from: payloadStart)).write(to: v1)
        XCTAssertNoThrow(try Trainer.loadCheckpoint(from: v1))
        let difference = try XCTUnwrap(try CheckpointContent.difference(url, v1))
        XCTAssertTrue(difference.hasPrefix("parameters differ first at element 10"), difference)
    }

    func testTrainModeEmbeddingMovesRunningStatisticsEvalDoesNot() {
        let images = toySet(count: 50, seed: 2).images
        let network = Network(spec: toySpec, seed: 1)
        let before = network.runningStatistics
        let eval1 = network.embed(images, count: 50, batchSize: 20)
        XCTAssertEqual(network.runningStatistics, before)
        let train = network.embed(images, count: 50, batchSize: 20, batchNorm: .train)
        XCTAssertNotEqual(network.runningStatistics, before)
        XCTAssertNotEqual(train, eval1)
        for i in 0..<50 {
            let row = train[(i * 16)..<((i + 1) * 16)]
            XCTAssertEqual(row.map { Double($0 * $0) }.reduce(0, +), 1, accuracy: 1e-5)
        }
    }

    func testConfigurationValidation() {
        var c = TrainingConfiguration()
        XCTAssertNoThrow(try c.validate())
        c.momentum = 1.5
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual("\($0)", "training configuration: momentum = 1.5 is out of range") }
    }

    /// Parameters after two epochs on the toy set with `kernel` and `workers` (seed 1 throughout).
    private func trainedParameters(kernel: CPUBackend.GemmKernel, workers: Int) -> [Float] {
        let (images, labels) = toySet(count: 90, seed: 4)
        let backend = CPUBackend(workers: workers, gemmKernel: kernel)
        let trainer = Trainer(network: Network(spec: toySpec, seed: 1, backend: backend),
                              configuration: toyConfiguration, seed: 1)
        for _ in 0..<2 { _ = trainer.trainEpoch(images: images, count: 90, labels: labels) }
        return trainer.network.parameters
    }
}
