import Foundation
import JuleCluster
import JuleCompute
import JuleData

/// Runs JULE on one dataset (§5): initial clusters on raw pixels, then periods of CNN training on the current
/// pseudo-labels followed by ceil(η·n) merges on the new embeddings until n* clusters (JULE-SF), then
/// re-clustering from scratch on the final network's eval-mode embeddings without training (JULE-RC).
///
/// With an output directory, the state after every training epoch and every SF clustering call is checkpointed;
/// a later run with the same configuration resumes there bit-identically, and a finished run is not redone. Both
/// only on the same data: a record or checkpoint made on data with another content digest is refused.
public final class JuleRunner {
    public let configuration: RunConfiguration
    private let dataset: Dataset
    private let datasetSHA256: String
    private let directory: RunDirectory?
    private let onEvent: (RunEvent) -> Void
    private let saveEmbeddings: Bool
    /// Whether a finished run of another configuration or on other data in the output directory may be replaced (it
    /// is moved aside to a sibling directory, never deleted), and a checkpoint saved on other data dropped; false
    /// refuses to start.
    public var replaceFinishedRun = false
    /// Whether a checkpoint made with another configuration is dropped with a note and the run started over (a sweep
    /// cell: its folder is named after its configuration's hash, so such a checkpoint is an older build's and cannot
    /// be resumed by anyone); false refuses it, naming the settings that differ, unless `replaceFinishedRun` (then it
    /// is moved aside like a finished run).
    public var discardsCheckpointOfOtherConfiguration = false
    /// Where the dataset was imported from (`DatasetEntry.importedFrom`), kept in the record so that a command
    /// meeting the run after the import was removed can say how to import it again.
    public var importedFrom: String?
    /// Class names by label (an imported folder's class folders), for the class column of `clusters.tsv`.
    public var classNames: [String]?
    /// Tests simulate a kill by stopping right after this SF period's checkpoint.
    var interruptAfterPeriod: Int?
    /// Tests simulate a kill mid-period by stopping right after the checkpoint of this epoch (counted over the run).
    var interruptAfterEpoch: Int?

    public init(configuration: RunConfiguration, dataset: Dataset, datasetSHA256: String,
                outputDirectory: URL?, saveEmbeddings: Bool = false, onEvent: @escaping (RunEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.dataset = dataset
        self.datasetSHA256 = datasetSHA256
        self.directory = outputDirectory.map(RunDirectory.init)
        self.saveEmbeddings = saveEmbeddings
        self.onEvent = onEvent
    }

    public func run() throws -> RunRecord {
        try configuration.validate()
        let hash = try configuration.hash()
        if let directory, let done = try existingRecord(in: directory, hash: hash) {
            // A damaged file is not a finished run's: said, not reported as complete (--force makes it again).
            if let (file, problem) = directory.damage(of: done) {
                throw HarnessError.damagedRun(file, problem: problem,
                                              consequence: "the run is not complete; --force runs it again, the old folder moved aside")
            }
            // A notice, not a note: with --quiet the table printed next must not pass for a fresh run.
            let missing = directory.missingOutputs(of: done, embeddings: saveEmbeddings)
            let lost = missing.isEmpty ? ""
                : " (missing: \(missing.joined(separator: ", ")); --force runs it again, the old folder moved aside)"
            onEvent(.notice("\(directory.record.path): already complete for this configuration; not redone\(lost)"))
            // A kill between writing the record and removing the checkpoints leaves them behind (issue 20).
            try? FileManager.default.removeItem(at: directory.checkpointDirectory)
            return done
        }
        if let directory {
            // Temporary files of an earlier, killed run of this directory (issue 20: fault injection found them).
            for folder in [directory.url, directory.checkpointDirectory] { AtomicFile.removeStaleTemporaries(in: folder) }
        }
        if let limit = configuration.classLimit, dataset.classCount == 1 {
            throw HarnessError.invalidConfiguration("classLimit = \(limit): \(dataset.name) is unlabelled (no classes), there are no classes to choose from")
        }
        if let limit = configuration.classLimit, limit > dataset.classCount {
            throw HarnessError.invalidConfiguration("classLimit = \(limit): \(dataset.name) has \(dataset.classCount) classes (allowed: 2…\(dataset.classCount))")
        }
        // Portable mode: the package's own GEMM and PortableMath everywhere a number is computed (CNN, k-NN, W, metrics).
        let portable = configuration.isPortable
        let functions: MathFunctions = portable ? .portable : .system
        let data = TrainingData(dataset: dataset, classLimit: configuration.classLimit, functions: functions)
        if !data.labelled && configuration.clusters == nil {
            throw HarnessError.invalidConfiguration("\(dataset.name) is unlabelled (no classes): give the number of clusters n* with --clusters K (clusters = K in a sweep)")
        }
        let target = configuration.clusters ?? data.classCount
        try RunConfiguration.checkClusterTarget(
            target, images: data.count,
            of: configuration.classLimit.map { "\(dataset.name)'s first \($0) classes" } ?? dataset.name,
            isDefault: configuration.clusters == nil)
        guard configuration.network.inputChannels == dataset.channels,
              configuration.network.inputHeight == dataset.height,
              configuration.network.inputWidth == dataset.width else {
            let n = configuration.network
            throw HarnessError.invalidConfiguration(
                "network input \(n.inputChannels)×\(n.inputHeight)×\(n.inputWidth) does not match \(dataset.name)'s images \(dataset.channels)×\(dataset.height)×\(dataset.width)")
        }
        let clusterer = AgglomerativeClusterer(configuration: configuration.clustering,
                                               product: ComputeThreads.matrixProduct(portable: portable),
                                               functions: functions)
        let clock = PhaseClock()

        // Either resume from the last checkpointed epoch or start with the raw-pixel components (§3.3).
        var state: RunState
        let trainer: Trainer
        var resumed = false
        if let directory, let saved = try resumableState(in: directory, hash: hash, count: data.count) {
            (state, trainer) = saved
            state.target = target
            state.datasetSHA256 = datasetSHA256     // accepted (equal, or not saved by an older build)
            state.configuration = configuration     // the same hash; saved from now on if an older build did not
            resumed = true
            clock.totals = state.timings
            onEvent(.started(dataset: dataset.name, images: data.count, target: target, resumedFromPeriod: state.period))
            var resumedSchedule = schedule(target: target, labelled: data.labelled)
            resumedSchedule.resumed = RunSchedule.Resume(state)
            onEvent(.schedule(resumedSchedule))
        } else {
            onEvent(.started(dataset: dataset.name, images: data.count, target: target, resumedFromPeriod: nil))
            onEvent(.schedule(schedule(target: target, labelled: data.labelled)))
            // Independent streams for the network's initialisation and for the trainer's shuffles and sampling.
            let root = SeededGenerator(seed: configuration.seed)
            var initStream = root.split(stream: 1)
            let network = Network(spec: configuration.network, seed: initStream.next(), backend: ComputeThreads.backend(portable: portable))
            network.convolutionAlgorithm = configuration.convolutionAlgorithm
            trainer = Trainer(network: network, configuration: configuration.training, seed: Self.trainerSeed(for: configuration))
            let started = Date()
            let raw = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: data.dimension,
                                       normalisation: configuration.clustering.rawNormalisation)
            let labels = clock.measure("raw-clustering") {
                clusterer.initialClusters(features: raw, count: data.count, dimension: data.dimension)
            }
            let record = PeriodRecord(phase: "SF", period: 0, scores: data.scores(labels), loss: nil, epochs: 0,
                                      merges: 0, neighbourCount: configuration.clustering.neighbourCount,
                                      seconds: clock.totals["raw-clustering"] ?? 0)
            onEvent(.clustered(record))
            state = RunState(configurationHash: hash, period: 0, epochs: 0, labels: labels,
                             neighbourCount: configuration.clustering.neighbourCount,
                             initialClusters: record.scores.clusters, trajectory: [record], timings: clock.totals,
                             startedAt: Self.timestamp(started), target: target, datasetSHA256: datasetSHA256,
                             configuration: configuration)
            try checkpoint(state, trainer: trainer)
        }

        // JULE-SF: train, extract, merge, until n* clusters or the epoch cap (§4.6, §3.8).
        let network = trainer.network
        while Self.clusterCount(state.labels) > target && state.epochs < configuration.maxEpochs {
            let period = state.period + 1
            // A resumed run may be part-way through this period.
            let progress = state.periodProgress ?? RunState.PeriodProgress(epochs: 0, losses: [], seconds: 0)
            var losses = progress.losses
            let periodStart = clock.now() - progress.seconds
            let periodEpochs = min(configuration.epochsPerPeriod, configuration.maxEpochs - (state.epochs - progress.epochs))
            for done in progress.epochs..<periodEpochs {
                let epochStart = clock.now()
                let stats = clock.measure("training") {
                    trainer.trainEpoch(images: data.images, count: data.count, labels: state.labels)
                }
                state.epochs += 1
                losses.append(stats.meanLoss)
                onEvent(.epoch(period: period, epoch: state.epochs, loss: stats.meanLoss, triplets: stats.triplets,
                               seconds: clock.now() - epochStart))
                state.periodProgress = RunState.PeriodProgress(epochs: done + 1, losses: losses,
                                                               seconds: clock.now() - periodStart)
                state.timings = clock.totals
                try checkpoint(state, trainer: trainer)
                if interruptAfterEpoch == state.epochs { throw HarnessError.interrupted(period: state.period) }
            }
            let features = clock.measure("feature-extraction") {
                network.embed(data.images, count: data.count, batchSize: configuration.training.batchSize,
                              batchNorm: configuration.featureBatchNorm)
            }
            let result = try clock.measure("clustering") {
                try clusterer.mergePeriod(features: features, count: data.count,
                                          dimension: configuration.network.embeddingDimension,
                                          labels: state.labels, target: target, neighbourCount: state.neighbourCount)
            }
            state.labels = Self.compact(result.labels)
            state.neighbourCount = result.neighbourCount
            state.period = period
            state.periodProgress = nil
            let record = PeriodRecord(phase: "SF", period: period, scores: data.scores(state.labels),
                                      loss: losses.isEmpty ? nil : losses.reduce(0, +) / Double(losses.count),
                                      epochs: state.epochs, merges: result.merges,
                                      neighbourCount: result.neighbourCount, seconds: clock.now() - periodStart,
                                      premerges: result.premerges, stoppedOnZeroAffinity: result.stoppedOnZeroAffinity)
            state.trajectory.append(record)
            state.timings = clock.totals
            onEvent(.clustered(record))
            try checkpoint(state, trainer: trainer)
            if interruptAfterPeriod == period { throw HarnessError.interrupted(period: period) }
        }
        let sfLabels = state.labels
        let sfClusters = Self.clusterCount(sfLabels)
        if sfClusters > target, state.epochs > 0 {
            // The loop ends at n* or at the epoch cap; ending above n* is the cap, which the user should not have to
            // infer from the cluster count.
            let rc = configuration.rerunClustering ? "; JULE-RC still clusters to \(target)" : ""
            onEvent(.notice("warning: \(dataset.name): the epoch cap (maxEpochs \(configuration.maxEpochs)) ended JULE-SF at "
                + "\(sfClusters) clusters, not n* = \(target)\(rc); a larger --max-epochs lets training reach n*"))
        }
        if state.epochs == 0, configuration.maxEpochs > 0, let line = Self.untrainedWarning(
            dataset: dataset.name, initialClusters: state.initialClusters, target: target, rc: configuration.rerunClustering) {
            onEvent(.notice(line))
        }
        // An unlabelled dataset has clusters but no metrics: the record holds none (the trajectory's are 0).
        let sf = data.labelled ? data.scores(sfLabels) : nil
        if let shortfall = ClusterShortfall(labels: sfLabels, target: target) {
            // The features the first step clustered, rebuilt only here (a resumed run has none).
            let raw = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: data.dimension,
                                       normalisation: configuration.clustering.rawNormalisation)
            onEvent(.notice("warning: \(dataset.name): JULE-SF " + shortfall.nearestNeighbourExplanation(
                rows: raw, dimension: data.dimension, feature: Self.rawFeatureName,
                firstStep: "the first step, the 1-NN components of the raw pixels,", initialClusters: state.initialClusters)))
        }

        // Eval-mode features of the final network: the input of JULE-RC (§5), of the centroids and of --save-embeddings.
        let dimension = configuration.network.embeddingDimension
        let evalFeatures = clock.measure("feature-extraction") {
            network.embed(data.images, count: data.count, batchSize: configuration.training.batchSize, batchNorm: .eval)
        }

        // JULE-RC: same network, no training, clustering from scratch.
        var rc: ClusteringScores?
        var rcLabels: [Int]?
        var trajectory = state.trajectory
        if configuration.rerunClustering {
            var round = 0
            var roundStart = clock.now()
            var rcInitial: Int?     // the 1-NN components RC started from (the shortfall warning names them)
            // Caffe keeps a K_s doubled during SF (§15.2); otherwise RC starts again from the configured K_s,
            // unless the improvement `rcNeighbourCount` sets RC's own.
            let clustering = configuration.clustering
            let start = clustering.rcNeighbourCount ?? (clustering.effectiveKeepDoubledNeighbours ? state.neighbourCount : nil)
            let labels = try clock.measure("rc") {
                try clusterer.cluster(features: evalFeatures, count: data.count, dimension: dimension,
                                      target: target, neighbourCount: start) { result in
                    if rcInitial == nil { rcInitial = result.startClusters }
                    let record = PeriodRecord(phase: "RC", period: round, scores: data.scores(result.labels), loss: nil,
                                              epochs: state.epochs, merges: result.merges,
                                              neighbourCount: result.neighbourCount, seconds: clock.now() - roundStart,
                                              premerges: result.premerges,
                                              oneWayMerges: clustering.effectiveRCOneWayMerge ? result.oneWayMerges : nil,
                                              stoppedOnZeroAffinity: result.stoppedOnZeroAffinity)
                    trajectory.append(record)
                    self.onEvent(.clustered(record))
                    round += 1
                    roundStart = clock.now()
                }
            }
            if round == 0 {
                // No merge period ran: the 1-NN components already were at most n*. The trajectory still gets RC's
                // result, since an unlabelled record has no `rc` scores and reads its RC cluster count from here.
                let record = PeriodRecord(phase: "RC", period: 0, scores: data.scores(labels), loss: nil,
                                          epochs: state.epochs, merges: 0,
                                          neighbourCount: min(start ?? clustering.neighbourCount, max(1, data.count - 1)),
                                          seconds: clock.now() - roundStart, premerges: 0,
                                          oneWayMerges: clustering.effectiveRCOneWayMerge ? 0 : nil,
                                          stoppedOnZeroAffinity: false)
                trajectory.append(record)
                onEvent(.clustered(record))
            }
            rcLabels = Self.compact(labels)
            rc = data.labelled ? data.scores(labels) : nil
            if let shortfall = ClusterShortfall(labels: labels, target: target) {
                onEvent(.notice("warning: \(dataset.name): JULE-RC " + shortfall.nearestNeighbourExplanation(
                    rows: evalFeatures, dimension: dimension, feature: "embedding",
                    firstStep: "the first step, the 1-NN components of the final network's embeddings,",
                    initialClusters: rcInitial ?? Self.clusterCount(labels))))
            }
        }
        clock.totals["total"] = clock.totals.filter { ["raw-clustering", "training", "feature-extraction", "clustering", "rc"].contains($0.key) }
            .values.reduce(0, +)

        let record = RunRecord(
            schema: RunRecord.currentSchema, runID: Self.runID(dataset: dataset.name, seed: configuration.seed, hash: hash),
            dataset: dataset.name, datasetSHA256: datasetSHA256, images: data.count, configuration: configuration,
            configurationHash: hash, seed: configuration.seed, codeVersion: CodeVersion.current(),
            machine: MachineInfo.current(portable: portable), startedAt: state.startedAt, finishedAt: Self.timestamp(Date()),
            timings: clock.totals, peakMemoryMiB: ProcessStatistics.peakResidentMiB(),
            initialClusters: state.initialClusters, sf: sf, rc: rc, trajectory: trajectory,
            resumed: resumed, unlabelled: data.labelled ? nil : true, importedFrom: importedFrom)
        if let directory {
            if saveEmbeddings {
                try EmbeddingFile.write(evalFeatures, count: data.count, dimension: dimension, sfLabels: sfLabels,
                                        rcLabels: rcLabels, truth: data.truth, to: directory.embeddings)
            }
            try ClusterCentroids(features: evalFeatures, labels: rcLabels ?? sfLabels, dimension: dimension,
                                 variant: rcLabels == nil ? "SF" : "RC").write(to: directory.centroids)
            try AtomicFile.write(Self.labelText(sfLabels), to: directory.sfLabels)
            if let rcLabels { try AtomicFile.write(Self.labelText(rcLabels), to: directory.rcLabels) }
            if let names = data.names {
                try AtomicFile.write(Self.clusterTable(names: names, truth: data.labelled ? data.truth : nil,
                                                       classNames: classNames, sf: sfLabels, rc: rcLabels),
                                     to: directory.clusterTable)
            }
            // The model names its run, so `jule embed --model` can tell it from another run's (other data, schedule).
            trainer.origin = CheckpointOrigin(runID: record.runID, configurationHash: hash, datasetSHA256: datasetSHA256)
            try trainer.saveCheckpoint(to: directory.model)
            try AtomicFile.writeJSON(record, to: directory.record)
            try? FileManager.default.removeItem(at: directory.checkpointDirectory)
            // Once more at the end: a killed writer's temporary survives the start-up sweep while its process is
            // not yet gone.
            AtomicFile.removeStaleTemporaries(in: directory.url)
        }
        onEvent(.finished(record))
        return record
    }

    /// A run whose first step already reached n*: SF never trains, and the model is the random initialisation.
    /// Said, since the record and the scores look like any other run's.
    static func untrainedWarning(dataset: String, initialClusters: Int, target: Int, rc: Bool) -> String? {
        guard initialClusters <= target else { return nil }
        let fewer = initialClusters > 2 ? "; --clusters K below \(initialClusters) trains it while merging to K" : ""
        let after = rc ? "JULE-RC clusters an untrained network's embeddings" : "the model and centroids are an untrained network's"
        return "warning: \(dataset): the network was not trained (0 epochs): the first step, the 1-NN components of the raw pixels, "
            + "already gave \(initialClusters) cluster\(initialClusters == 1 ? "" : "s") for n* = \(target), so JULE-SF is that "
            + "raw-pixel clustering and \(after). Expected for a set this small or this easy\(fewer)"
    }

    // MARK: - Checkpoints

    private func checkpoint(_ state: RunState, trainer: Trainer) throws {
        guard let directory else { return }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.checkpointDirectory, withIntermediateDirectories: true)
        // The trainer first, under a new name, then the state that points at it, then the old trainer files: a kill
        // at any point leaves a state whose own trainer file exists.
        var state = state
        let name = RunDirectory.trainerFileName(epochs: state.epochs, periods: state.period)
        state.trainerFile = name
        try trainer.saveCheckpoint(to: directory.trainerCheckpoint(named: name))
        try AtomicFile.writeJSON(state, to: directory.state)
        let files = (try? fileManager.contentsOfDirectory(atPath: directory.checkpointDirectory.path)) ?? []
        for file in files where file.hasSuffix(".ckpt") && file != name {
            try? fileManager.removeItem(at: directory.checkpointDirectory.appendingPathComponent(file))
        }
    }

    private func existingRecord(in directory: RunDirectory, hash: String) throws -> RunRecord? {
        guard FileManager.default.fileExists(atPath: directory.record.path) else { return nil }
        let record: RunRecord
        do { record = try JSONCoding.decode(RunRecord.self, from: directory.record) } catch HarnessError.malformedFile(let url, let reason) {
            // A damaged record (a full disk, a hand edit) tells nothing about the run: refused like a finished run
            // of another configuration, and with `replaceFinishedRun` moved aside with the rest of the folder.
            guard replaceFinishedRun else {
                throw HarnessError.malformedFile(url, reason: "\(reason); --force moves the run folder aside and starts over")
            }
            let aside = try directory.moveAside(runID: "unreadable-record")
            onEvent(.note("\(directory.record.path): unreadable (\(reason)); moved to \(aside.path), starting over (--force)"))
            return nil
        }
        if record.configurationHash == hash {
            let match = DatasetMatch(record: record, current: datasetSHA256)
            switch match {
            case .same:
                guard replaceFinishedRun else { return record }
                // --force on the same run: made again (after an update of the code, say), the old one kept aside.
                let aside = try directory.moveAside(runID: record.runID)
                onEvent(.note("\(directory.record.path): finished before; moved to \(aside.path), running again (--force)"))
                return nil
            case .unverifiable:
                if let warning = match.warning(recordFile: directory.record, dataset: dataset.name) { onEvent(.notice(warning)) }
                return record
            case .otherData: break
            }
            guard replaceFinishedRun else {
                throw HarnessError.otherData(directory.url, runID: record.runID, recorded: record.datasetSHA256, current: datasetSHA256)
            }
            let aside = try directory.moveAside(runID: record.runID)
            onEvent(.note("\(directory.record.path): made on other data (dataset digest \(record.datasetSHA256.prefix(12))…); moved to \(aside.path), starting over"))
            return nil
        }
        // A finished run is never overwritten silently: refused, or with `replaceFinishedRun` moved aside.
        guard replaceFinishedRun else {
            throw HarnessError.finishedRunExists(directory.url, runID: record.runID,
                                                 differences: ConfigurationDifference.between(record.configuration, configuration))
        }
        let aside = try directory.moveAside(runID: record.runID)
        onEvent(.note("\(directory.record.path): made with another configuration (\(record.configurationHash)); moved to \(aside.path), starting over"))
        return nil
    }

    private func resumableState(in directory: RunDirectory, hash: String, count: Int) throws -> (RunState, Trainer)? {
        guard FileManager.default.fileExists(atPath: directory.state.path) else { return nil }
        let reason: String
        // A checkpoint that is there but damaged is a warning, shown with --quiet too; the other reasons are notes.
        var damaged = false
        let state: RunState
        do { state = try JSONCoding.decode(RunState.self, from: directory.state) } catch {
            // Damaged, as a trainer checkpoint with a checksum mismatch is: a warning with its reason.
            onEvent(.notice("warning: \(directory.state.path): unreadable (\(Self.unreadableCause(error))); starting over"))
            try? FileManager.default.removeItem(at: directory.checkpointDirectory)
            return nil
        }
        if state.configurationHash != hash {
            guard discardsCheckpointOfOtherConfiguration else {
                try setAside(state, in: directory, hash: hash)
                return nil
            }
            reason = "checkpoint was made with another configuration (\(state.configurationHash), now \(hash))"
        } else if let saved = state.datasetSHA256, saved != datasetSHA256 {
            guard replaceFinishedRun else {
                throw HarnessError.otherData(directory.url, runID: nil, recorded: saved, current: datasetSHA256)
            }
            reason = "checkpoint was saved on other data (dataset digest \(saved.prefix(12))…)"
        } else {
            let file = directory.trainerCheckpoint(named: state.trainerFile)
            do {
                let trainer = try Trainer.loadCheckpoint(from: file, backend: ComputeThreads.backend(portable: configuration.isPortable))
                trainer.network.convolutionAlgorithm = configuration.convolutionAlgorithm
                if trainer.iteration == expectedIteration(epochs: state.epochs, count: count) {
                    if state.datasetSHA256 == nil {
                        onEvent(.notice("warning: \(directory.state.path): saved before checkpoints held the data's content "
                                        + "digest: cannot tell whether \(dataset.name) changed since"))
                    }
                    let within = state.periodProgress.map { ", \($0.epochs) of them in period \(state.period + 1)" } ?? ""
                    onEvent(.note("resuming from \(directory.state.path): period \(state.period), \(state.epochs) epochs\(within)"))
                    return (state, trainer)
                }
                reason = "trainer checkpoint does not match the saved period (interrupted while saving)"
            } catch ComputeError.checkpointUnreadable(_, let why) where FileManager.default.fileExists(atPath: file.path) {
                // Named with its reason: a checksum mismatch is a damaged file, not an interrupted write.
                reason = "trainer checkpoint \(file.path) is unreadable (\(why))"
                damaged = true
            } catch {
                reason = "trainer checkpoint is missing or unreadable"
            }
        }
        let line = "\(directory.state.path): \(reason); starting over"
        onEvent(damaged ? .notice("warning: " + line) : .note(line))
        try? FileManager.default.removeItem(at: directory.checkpointDirectory)
        return nil
    }

    /// An unfinished run of another configuration: hours of training that a changed flag must not drop. Refused,
    /// naming the settings that differ; with `replaceFinishedRun` moved aside as a finished run would be.
    private func setAside(_ state: RunState, in directory: RunDirectory, hash: String) throws {
        let differences: [String]
        if let saved = state.configuration {
            differences = ConfigurationDifference.between(saved, configuration)
        } else if let header = try? Trainer.loadCheckpoint(from: directory.trainerCheckpoint(named: state.trainerFile),
                                                            backend: ComputeThreads.backend(portable: false)) {
            differences = ConfigurationDifference.between(network: header.network.spec, training: header.configuration,
                                                          trainerSeed: header.seed, and: configuration)
        } else {
            differences = []
        }
        let named = differences.isEmpty
            ? ["configuration hash \(state.configurationHash.prefix(8)), now \(hash.prefix(8)); the checkpoint predates saving its settings"]
            : differences
        let progress = "\(state.epochs) epoch\(state.epochs == 1 ? "" : "s"), \(state.period) period\(state.period == 1 ? "" : "s") done"
        guard replaceFinishedRun else {
            throw HarnessError.checkpointOfOtherConfiguration(directory.url, progress: progress, differences: named)
        }
        let seed = state.configuration?.seed ?? configuration.seed
        let aside = try directory.moveAside(runID: Self.runID(dataset: dataset.name, seed: seed, hash: state.configurationHash))
        onEvent(.notice("\(directory.state.path): unfinished run (\(progress)) made with other settings (\(named.joined(separator: ", "))); "
                        + "moved to \(aside.path), starting over (--force)"))
    }

    /// What the progress display needs to estimate the time left.
    private func schedule(target: Int, labelled: Bool) -> RunSchedule {
        RunSchedule(epochsPerPeriod: configuration.epochsPerPeriod, maxEpochs: configuration.maxEpochs,
                    unrollingRate: configuration.clustering.unrollingRate, target: target,
                    rerunClustering: configuration.rerunClustering, labelled: labelled)
    }

    /// The trainer's global iteration after `epochs` epochs over `count` images (one step per batch, §4.5).
    private func expectedIteration(epochs: Int, count: Int) -> Int {
        let batches = (count + configuration.training.batchSize - 1) / configuration.training.batchSize
        return epochs * batches
    }

    // MARK: - Helpers

    /// Why a JSON file of the run could not be read, without the path its line already names.
    static func unreadableCause(_ error: Error) -> String {
        switch error {
        case let HarnessError.malformedFile(_, why), let HarnessError.unreadableFile(_, why): return why
        default: return "\(error)"
        }
    }

    static func clusterCount(_ labels: [Int]) -> Int { Set(labels).count }

    /// What the first step clusters, as a shortfall warning names it: the normalisation is why images that differ
    /// only in brightness count as one.
    public static let rawFeatureName = "raw-pixel feature vector (each image's pixels scaled to unit length, so images that differ only in brightness coincide)"

    /// A run's id: dataset, seed and the configuration hash's first 8 hex digits (`USPS-s1-f4c396df`).
    static func runID(dataset: String, seed: UInt64, hash: String) -> String { "\(dataset)-s\(seed)-\(hash.prefix(8))" }

    /// The trainer's seed (its shuffles and triplet sampling): stream 2 of the run's seed; stream 1 initialises the
    /// network. A trained model is the run's when its checkpoint holds this seed (`jule embed`).
    public static func trainerSeed(for configuration: RunConfiguration) -> UInt64 {
        var stream = SeededGenerator(seed: configuration.seed).split(stream: 2)
        return stream.next()
    }

    /// Relabels to 0..<k in order of first appearance, so label files and records are canonical.
    static func compact(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { label in
            if let mapped = map[label] { return mapped }
            let next = map.count
            map[label] = next
            return next
        }
    }

    static func labelText(_ labels: [Int]) -> String { labels.map(String.init).joined(separator: "\n") + "\n" }

    /// `clusters.tsv`: a header, then one line per image in index order (the lines of the label files): its file
    /// name, its class (name where known; the column is left out for unlabelled data), its SF and RC cluster. Names
    /// are written through `TableField` (a tab as ␉, a line break as ␤) so that every line keeps its columns.
    static func clusterTable(names: [String], truth: [Int]?, classNames: [String]?, sf: [Int], rc: [Int]?) -> String {
        var header = ["file"]
        if truth != nil { header.append("class") }
        header.append("sf")
        if rc != nil { header.append("rc") }
        var lines = [header.joined(separator: "\t")]
        lines.reserveCapacity(names.count + 1)
        for (i, name) in names.enumerated() {
            var fields = [TableField.escaped(name)]
            if let truth {
                let label = truth[i]
                fields.append(TableField.escaped(classNames.flatMap { $0.indices.contains(label) ? $0[label] : nil } ?? String(label)))
            }
            fields.append(String(sf[i]))
            if let rc { fields.append(String(rc[i])) }
            lines.append(fields.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Wall-clock totals per phase. A class: phases nest (the RC callback reads the clock inside `measure`).
final class PhaseClock {
    var totals: [String: Double] = [:]
    private let origin = DispatchTime.now()

    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds - origin.uptimeNanoseconds) / 1e9 }

    func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let start = now()
        defer { totals[phase, default: 0] += now() - start }
        return try body()
    }
}
