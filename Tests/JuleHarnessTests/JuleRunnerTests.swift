import XCTest
import JuleCluster
import JuleCompute
import JuleData
@testable import JuleHarness
import _JuleTestSupport

final class JuleRunnerTests: XCTestCase {
    private func configuration(seed: UInt64 = 1) throws -> RunConfiguration {
        try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: seed)
            .applying(overrides: ["epochsPerPeriod": .number(2), "clustering.unrollingRate": .number(0.5)])
    }

    /// Same seed → identical record contents; an interrupted run resumes to exactly the uninterrupted result.
    func testDeterministicAndResumesAfterAKill() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let reference = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()
        let again = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()
        XCTAssertEqual(reference.trajectory.map(\.scores), again.trajectory.map(\.scores))
        XCTAssertEqual(reference.trajectory.map(\.loss), again.trajectory.map(\.loss))
        XCTAssertGreaterThanOrEqual(reference.trajectory.filter { $0.phase == "SF" }.count, 3, "needs ≥ 2 SF periods to test resume")

        let directory = try makeTemporaryDirectory()
        let interrupted = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory)
        interrupted.interruptAfterPeriod = 1
        XCTAssertThrowsError(try interrupted.run())
        XCTAssertFalse(FileManager.default.fileExists(atPath: RunDirectory(directory).record.path))
        var notes: [String] = []
        let resumed = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x",
                                     outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }.run()
        XCTAssertTrue(resumed.resumed)
        XCTAssertTrue(notes.contains { $0.contains("resuming") }, "\(notes)")
        XCTAssertEqual(resumed.trajectory.map(\.scores), reference.trajectory.map(\.scores))
        XCTAssertEqual(resumed.trajectory.map(\.loss), reference.trajectory.map(\.loss))
        XCTAssertEqual(resumed.rc, reference.rc)
        // Finished: a third run does nothing and returns the same record.
        let third = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory).run()
        XCTAssertEqual(third.runID, resumed.runID)
        XCTAssertEqual(third.finishedAt, resumed.finishedAt)
        // Another configuration in the same directory: refused, the finished run untouched; when replacing is
        // allowed (--force), the old run is moved aside, never deleted, and the new one starts over.
        let finished = try Data(contentsOf: RunDirectory(directory).record)
        XCTAssertThrowsError(try JuleRunner(configuration: configuration(seed: 2), dataset: dataset, datasetSHA256: "x",
                                            outputDirectory: directory).run()) { error in
            XCTAssertTrue("\(error)".contains("holds the finished run \(resumed.runID)"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: RunDirectory(directory).record), finished)
        notes = []
        let replacing = JuleRunner(configuration: try configuration(seed: 2), dataset: dataset, datasetSHA256: "x",
                                   outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }
        replacing.replaceFinishedRun = true
        _ = try replacing.run()
        XCTAssertTrue(notes.contains { $0.contains("starting over") }, "\(notes)")
        let aside = directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent).replaced-\(resumed.runID)")
        addTeardownBlock { try? FileManager.default.removeItem(at: aside) }
        XCTAssertEqual(try Data(contentsOf: RunDirectory(aside).record), finished)

        // The same configuration on the same data is not redone, unless forced: then it runs again, the old run kept.
        let second = try Data(contentsOf: RunDirectory(directory).record)
        let forced = JuleRunner(configuration: try configuration(seed: 2), dataset: dataset, datasetSHA256: "x",
                                outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }
        forced.replaceFinishedRun = true
        let rerun = try forced.run()
        XCTAssertTrue(notes.contains { $0.contains("running again (--force)") }, "\(notes)")
        let secondAside = directory.deletingLastPathComponent()
            .appendingPathComponent("\(directory.lastPathComponent).replaced-\(rerun.runID)")
        addTeardownBlock { try? FileManager.default.removeItem(at: secondAside) }
        XCTAssertEqual(try Data(contentsOf: RunDirectory(secondAside).record), second)
        XCTAssertEqual(rerun.sf, try JSONCoding.decode(RunRecord.self, from: RunDirectory(secondAside).record).sf,
                       "the same run, the same scores")
    }

    /// A trainer checkpoint whose weights were damaged after it was written fails its checksum: the run says so,
    /// naming the file, and starts over (the same path as an unreadable checkpoint) instead of resuming from it.
    func testDamagedTrainerCheckpointIsNotResumed() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let directory = try makeTemporaryDirectory()
        let interrupted = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory)
        interrupted.interruptAfterPeriod = 1
        XCTAssertThrowsError(try interrupted.run())
        let state = try JSONCoding.decode(RunState.self, from: RunDirectory(directory).state)
        let file = RunDirectory(directory).trainerCheckpoint(named: state.trainerFile)
        var bytes = try Data(contentsOf: file)
        for k in 0..<16 { bytes[bytes.count - 200 + k] ^= 0x5A }
        try bytes.write(to: file)
        var notes: [String] = []
        let record = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x",
                                    outputDirectory: directory) { event in
            if case let .note(n) = event { notes.append(n) }
            if case let .notice(n) = event { notes.append(n) }   // a warning, shown with --quiet too
        }.run()
        XCTAssertFalse(record.resumed)
        XCTAssertTrue(notes.contains { $0.hasPrefix("warning: ") && $0.contains(file.lastPathComponent) && $0.contains("checksum mismatch")
                                       && $0.hasSuffix("starting over") }, "\(notes)")
        XCTAssertFalse(notes.contains { $0.contains("resuming") }, "\(notes)")
    }

    /// A damaged checkpoint/state.json is a warning with its reason, as a damaged trainer checkpoint is (it used to be
    /// a note without either: "checkpoint state is unreadable; starting over").
    func testDamagedCheckpointStateIsAWarningWithItsReason() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let directory = try makeTemporaryDirectory()
        let interrupted = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory)
        interrupted.interruptAfterPeriod = 1
        XCTAssertThrowsError(try interrupted.run())
        let state = RunDirectory(directory).state
        try Data("{\"period\": ".utf8).write(to: state)
        var notices: [String] = []
        let record = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x",
                                    outputDirectory: directory) { if case let .notice(n) = $0 { notices.append(n) } }.run()
        XCTAssertFalse(record.resumed)
        XCTAssertTrue(notices.contains { $0.hasPrefix("warning: \(state.path): unreadable (") && $0.hasSuffix("); starting over")
                                         && !$0.contains("\n") }, "\(notices)")
    }

    /// A finished run or a checkpoint is reused only on the data it was made on (the dataset's content digest):
    /// other data is refused, naming both digests and `--force`, which moves the run aside or drops the checkpoint.
    /// The same data is not redone, with a notice (shown even with --quiet); a record from before content digests
    /// (a bare-commit code version: its digest is the cache file's) cannot be compared and is kept with a warning.
    func testRunsAreReusedOnlyOnTheSameData() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let directory = try makeTemporaryDirectory()
        let run = RunDirectory(directory)
        func runner(_ digest: String, force: Bool = false, notes: @escaping (String) -> Void = { _ in }) throws -> JuleRunner {
            let runner = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: digest,
                                    outputDirectory: directory) { event in
                if case let .note(n) = event { notes(n) }
                if case let .notice(n) = event { notes(n) }
            }
            runner.replaceFinishedRun = force
            return runner
        }
        let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64), c = String(repeating: "c", count: 64)

        // A checkpoint saved on data `a`, resumed on `b`: refused, the checkpoint kept.
        let interrupted = try runner(a)
        interrupted.interruptAfterPeriod = 1
        XCTAssertThrowsError(try interrupted.run())
        XCTAssertThrowsError(try runner(b).run()) { error in
            XCTAssertEqual("\(error)", "\(directory.path): its checkpoint was saved on other data (dataset digest aaaaaaaaaaaa…, "
                           + "now bbbbbbbbbbbb…); not resumed. Add --force to start over on the current data (the checkpoint is discarded; "
                           + "for a sweep cell, delete \(directory.appendingPathComponent("checkpoint").path))")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.state.path))
        // Forced: starts over on `b`.
        var notes: [String] = []
        let fresh = try runner(b, force: true) { notes.append($0) }.run()
        XCTAssertFalse(fresh.resumed)
        XCTAssertEqual(fresh.datasetSHA256, b)
        XCTAssertTrue(notes.contains { $0.contains("saved on other data") && $0.hasSuffix("starting over") }, "\(notes)")

        // Finished on `b`: the same data is not redone, and says so in a notice.
        var notices: [String] = []
        let again = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: b, outputDirectory: directory) {
            if case let .notice(n) = $0 { notices.append(n) }
        }
        XCTAssertEqual(try again.run().finishedAt, fresh.finishedAt)
        XCTAssertEqual(notices, ["\(run.record.path): already complete for this configuration; not redone"])
        // An output deleted since: still not redone (a clean clone lacks the gitignored model), but named.
        try FileManager.default.removeItem(at: run.model)
        notices = []
        XCTAssertEqual(try again.run().finishedAt, fresh.finishedAt)
        XCTAssertEqual(notices, ["\(run.record.path): already complete for this configuration; not redone "
                                 + "(missing: model.ckpt; --force runs it again, the old folder moved aside)"])

        // Other data: refused, the finished run untouched (whatever code version this build reports).
        var record = try JSONCoding.decode(RunRecord.self, from: run.record)
        record.codeVersion = "0.2.0+0123456789ab"
        try AtomicFile.writeJSON(record, to: run.record)
        let finished = try Data(contentsOf: run.record)
        XCTAssertThrowsError(try runner(c).run()) { error in
            XCTAssertEqual("\(error)", "\(directory.path) holds the finished run \(fresh.runID), made on other data (dataset digest "
                           + "bbbbbbbbbbbb…, now cccccccccccc…); not reused. Add --force to run it again on the current data "
                           + "(the old run is moved aside, not deleted)")
        }
        XCTAssertEqual(try Data(contentsOf: run.record), finished)

        // A record from before content digests: kept, with a warning that the data cannot be compared.
        record.codeVersion = "a76b288"
        try AtomicFile.writeJSON(record, to: run.record)
        notes = []
        XCTAssertEqual(try runner(c) { notes.append($0) }.run().finishedAt, fresh.finishedAt)
        XCTAssertTrue(notes.contains { $0.hasPrefix("warning: \(run.record.path): written before records held") && $0.hasSuffix("cannot tell whether USPS changed since") }, "\(notes)")

        // Forced on other data: the old run moved aside, a new one made on `c`.
        record.codeVersion = "0.2.0+0123456789ab"
        try AtomicFile.writeJSON(record, to: run.record)
        let aside = directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent).replaced-\(fresh.runID)")
        addTeardownBlock { try? FileManager.default.removeItem(at: aside) }
        XCTAssertEqual(try runner(c, force: true).run().datasetSHA256, c)
        XCTAssertEqual(try JSONCoding.decode(RunRecord.self, from: RunDirectory(aside).record).datasetSHA256, b)
    }

    /// Which records hold a content digest: those of builds that embed their version ("0.2.0+commit").
    func testRecordsWithContentDigestsAreKnownByTheirCodeVersion() throws {
        var record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: HarnessFixtures.registry())
        for (version, expected) in [("0.2.0+0123456789ab", true), ("0.2.0+unknown", true), ("1.10.3+abc-dirty", true),
                                    ("a76b288", false), ("8103bb06ea67-dirty", false), ("test", false), ("", false),
                                    ("pinned+1", false), ("+abc", false)] {
            record.codeVersion = version
            XCTAssertEqual(record.storesContentDigest, expected, version)
        }
    }

    /// A kill part-way through a period resumes from the last epoch's checkpoint, bit-identically: after period 2's
    /// first epoch, and after its last epoch but before its clustering call. A trainer file written after the
    /// state (a kill between the two writes) is ignored.
    func testResumesMidPeriodFromTheLastEpoch() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let reference = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()
        let totalEpochs = try XCTUnwrap(reference.trajectory.last { $0.phase == "SF" }?.epochs)
        XCTAssertGreaterThanOrEqual(totalEpochs, 4, "needs a second period of two epochs")

        for epoch in [3, 4] {   // period 2 holds epochs 3 and 4
            let directory = try makeTemporaryDirectory()
            let run = RunDirectory(directory)
            let interrupted = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory)
            interrupted.interruptAfterEpoch = epoch
            XCTAssertThrowsError(try interrupted.run())
            let state = try JSONCoding.decode(RunState.self, from: run.state)
            XCTAssertEqual(state.period, 1)
            XCTAssertEqual(state.epochs, epoch)
            XCTAssertEqual(state.periodProgress?.epochs, epoch - 2)
            XCTAssertEqual(state.trainerFile, "trainer-e\(epoch)-p1.ckpt")
            let files = try FileManager.default.contentsOfDirectory(atPath: run.checkpointDirectory.path).filter { $0.hasSuffix(".ckpt") }
            XCTAssertEqual(files, ["trainer-e\(epoch)-p1.ckpt"], "older trainer files are removed")
            let progress = try XCTUnwrap(RunProgress(directory: run))
            XCTAssertEqual([progress.periods, progress.epochs, progress.epochsIntoPeriod], [1, epoch, epoch - 2])
            XCTAssertEqual(progress.clusters, state.trajectory.last?.scores.clusters)
            let later = progress.summary(now: progress.savedAt.addingTimeInterval(180))
            let into = epoch == 3 ? "1 epoch" : "2 epochs"
            XCTAssertTrue(later.hasPrefix("period 2 (\(into) in), \(epoch) epochs, \(progress.clusters) clusters, "), later)
            XCTAssertTrue(later.hasSuffix("saved 3 min ago"), later)
            // What is left: the rest of this period and one more epoch count per SF period still to go.
            let periodsLeft = (reference.trajectory.last { $0.phase == "SF" }?.period ?? 0) - 1
            XCTAssertGreaterThanOrEqual(progress.periodsLeft(unrollingRate: 0.5, target: 4), periodsLeft)
            let perEpoch = try XCTUnwrap(progress.timings["training"]) / Double(epoch)
            let left = try XCTUnwrap(progress.remainingSeconds(configuration: try configuration(), target: 4))
            XCTAssertGreaterThanOrEqual(left, Double(progress.periodsLeft(unrollingRate: try configuration().clustering.unrollingRate,
                                                                          target: 4) * 2 - (epoch - 2)) * perEpoch)
            var mnist = progress
            mnist.clusters = 11519  // MNIST-full's raw-pixel components: η 0.9 takes 4 periods (1151, 115, 11, 10)
            XCTAssertEqual(mnist.periodsLeft(unrollingRate: 0.9, target: 10), 4)
            XCTAssertEqual(mnist.periodsLeft(unrollingRate: 0.9, target: 11519), 0)
            // The next checkpoint's trainer file, as a kill right after writing it would leave it.
            let next = epoch == 4 ? "trainer-e4-p2.ckpt" : "trainer-e4-p1.ckpt"
            try Data("not a checkpoint".utf8).write(to: run.trainerCheckpoint(named: next))

            var notes: [String] = []
            var epochsRun: [Int] = []
            let resumed = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory) {
                if case let .note(n) = $0 { notes.append(n) }
                if case let .epoch(_, e, _, _, _) = $0 { epochsRun.append(e) }
            }.run()
            XCTAssertTrue(notes.contains { $0.contains("\(epoch) epochs, \(epoch - 2) of them in period 2") }, "\(notes)")
            XCTAssertEqual(epochsRun, Array((epoch + 1)..<(totalEpochs + 1)), "training continues after epoch \(epoch)")
            XCTAssertEqual(resumed.trajectory.map(\.scores), reference.trajectory.map(\.scores))
            XCTAssertEqual(resumed.trajectory.map(\.loss), reference.trajectory.map(\.loss))
            XCTAssertEqual(resumed.trajectory.map(\.epochs), reference.trajectory.map(\.epochs))
            XCTAssertEqual(resumed.rc, reference.rc)
            XCTAssertFalse(FileManager.default.fileExists(atPath: run.checkpointDirectory.path), "a finished run leaves no checkpoint")
        }
    }

    /// `--save-embeddings` writes the RC features: clustering them again with the run's settings gives the RC labels,
    /// which is what `jule cluster --features embeddings` relies on. Malformed files are one-line errors.
    func testSavedEmbeddingsReproduceRCAndBadFilesAreClearErrors() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let directory = try makeTemporaryDirectory()
        let configuration = try configuration()
        let record = try JuleRunner(configuration: configuration, dataset: dataset, datasetSHA256: "x",
                                    outputDirectory: directory, saveEmbeddings: true).run()
        let run = RunDirectory(directory)
        let (values, dimension) = try EmbeddingFile.readEmbeddings(from: run.embeddings, count: dataset.count)
        XCTAssertEqual(dimension, configuration.network.embeddingDimension)
        let again = try BaselineClusterer(configuration: configuration.clustering, product: ComputeThreads.matrixProduct())
            .run(features: values, dimension: dimension, truth: dataset.labels.map { Int($0) }, name: dataset.name)
        let rcLabels = try LabelFile.read(run.rcLabels)
        XCTAssertEqual(ClusterEvaluation(truth: rcLabels, predicted: again.labels).nmi, 1, accuracy: 1e-12)
        XCTAssertEqual(again.evaluation.nmi, try XCTUnwrap(record.rc).nmi, accuracy: 1e-12)

        XCTAssertThrowsError(try EmbeddingFile.readEmbeddings(from: run.embeddings, count: dataset.count + 1)) {
            XCTAssertTrue("\($0)".contains("expected \(dataset.count + 1) rows"), "\($0)")
        }
        let other = directory.appendingPathComponent("other.h5")
        try HDF5File.writeAtomically(to: other) { try $0.write([Float](repeating: .nan, count: 8), shape: [4, 2], to: "embeddings") }
        XCTAssertThrowsError(try EmbeddingFile.readEmbeddings(from: other, count: 4)) { XCTAssertTrue("\($0)".contains("NaN"), "\($0)") }
        XCTAssertThrowsError(try EmbeddingFile.readEmbeddings(from: run.centroids, count: dataset.count)) {
            XCTAssertTrue("\($0)".contains("no `embeddings` dataset"), "\($0)")
        }
    }

    /// JULE on four real COIL-20 objects (downsampled to 32×32 so the test takes seconds; the CMU-PIE-sized
    /// two-block network), at reduced epochs, beats agglomerative clustering of the same raw pixels.
    func testBeatsRawPixelsOnACOIL20Subset() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let registry = try HarnessFixtures.registry()
        let cache = try makeTemporaryDirectory()
        let store = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true)
        let full = try store.load("COIL-20")
        let subset = HarnessFixtures.downsampled(full, factor: 4, classLimit: 4)
        var configuration = try RunConfiguration.defaults(for: registry.entry(named: "COIL-20"), seed: 1)
            .applying(overrides: ["epochsPerPeriod": .number(5)])
        configuration.network = try XCTUnwrap(NetworkSpec.preset("CMU-PIE"))
        let record = try JuleRunner(configuration: configuration, dataset: subset, datasetSHA256: "x", outputDirectory: nil).run()

        let data = TrainingData(dataset: subset, classLimit: nil)
        let raw = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: data.dimension,
                                   normalisation: configuration.clustering.rawNormalisation)
        let rawLabels = try AgglomerativeClusterer(configuration: configuration.clustering)
            .cluster(features: raw, count: data.count, dimension: data.dimension, target: 4, onPeriod: nil)
        let rawNMI = ClusterMetrics.normalizedMutualInformation(truth: data.truth, predicted: rawLabels)
        let sf = try XCTUnwrap(record.sf), rc = try XCTUnwrap(record.rc)
        print("COIL-20 (4 objects, 32×32): raw-pixel NMI \(rawNMI), JULE-SF \(sf.nmi), JULE-RC \(rc.nmi), \(record.timings)")
        XCTAssertEqual(sf.clusters, 4)
        XCTAssertEqual(rc.clusters, 4)
        XCTAssertGreaterThan(max(sf.nmi, rc.nmi), rawNMI)
    }
}
