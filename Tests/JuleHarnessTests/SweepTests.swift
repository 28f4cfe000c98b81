import XCTest
import JuleCompute
import JuleData
@testable import JuleHarness

final class SweepTests: XCTestCase {
    private func spec(_ seeds: [UInt64] = [1, 2]) -> SweepSpecification {
        SweepSpecification(name: "t", datasets: ["USPS", "COIL-20"], seeds: seeds,
                           overrides: [["epochsPerPeriod": .number(2)], ["epochsPerPeriod": .number(3)]],
                           datasetOverrides: ["COIL-20": ["classLimit": .number(3)]])
    }

    func testPlanIsStableAndCoversTheProduct() throws {
        let registry = try HarnessFixtures.registry()
        let a = try SweepManifest.plan(spec(), registry: registry)
        let b = try SweepManifest.plan(spec(), registry: registry)
        XCTAssertEqual(a.cells.count, 2 * 2 * 2)
        XCTAssertEqual(a.cells.map(\.id), b.cells.map(\.id))
        XCTAssertEqual(Set(a.cells.map(\.id)).count, a.cells.count)
        XCTAssertEqual(a.cells.map(\.index), Array(0..<8))
        XCTAssertTrue(a.cells.filter { $0.dataset == "COIL-20" }.allSatisfy { $0.configuration.classLimit == 3 })
        XCTAssertTrue(a.cells.filter { $0.dataset == "USPS" }.allSatisfy { $0.configuration.classLimit == nil })
        // Adding a seed keeps every existing cell's id (finished records stay valid after a re-plan).
        let c = try SweepManifest.plan(spec([1, 2, 3]), registry: registry)
        XCTAssertTrue(Set(a.cells.map(\.id)).isSubset(of: Set(c.cells.map(\.id))))
    }

    /// A sweep file states its compute mode: `"portable": true` puts every cell in portable mode (a new cell id);
    /// without it the cells keep their ids and the fastest kernel, and the plan says which.
    func testSweepFileStatesTheComputeMode() throws {
        let registry = try HarnessFixtures.registry()
        let fastest = try SweepManifest.plan(spec(), registry: registry)
        XCTAssertTrue(fastest.cells.allSatisfy { !$0.configuration.isPortable })
        XCTAssertTrue(fastest.computeSummary.hasPrefix("every cell with the fastest GEMM kernel"), fastest.computeSummary)
        var file = spec()
        file.portable = true
        let portable = try SweepManifest.plan(file, registry: registry)
        XCTAssertTrue(portable.cells.allSatisfy { $0.configuration.isPortable && $0.overrides["compute.portable"] == .bool(true) })
        XCTAssertTrue(portable.computeSummary.hasPrefix("every cell in portable mode"), portable.computeSummary)
        XCTAssertTrue(Set(portable.cells.map(\.id)).isDisjoint(with: fastest.cells.map(\.id)))
        let decoded = try JSONDecoder().decode(SweepSpecification.self,
                                               from: Data(#"{"name": "x", "datasets": ["USPS"], "seeds": [1], "portable": true}"#.utf8))
        XCTAssertEqual(decoded.portable, true)
        var mixed = spec()
        mixed.overrides = [[:], ["compute.portable": .bool(true)]]
        XCTAssertTrue(try SweepManifest.plan(mixed, registry: registry).computeSummary.hasPrefix("4 cells in portable mode, 4 with"))
    }

    /// Sweep files use Winograd F(4×4, 5×5) unless they say otherwise; "im2col" adds nothing to the cells (so files planned before
    /// Winograd existed keep their cell ids), and the plan says which.
    func testSweepFileStatesTheConvolution() throws {
        let registry = try HarnessFixtures.registry()
        let winograd = try SweepManifest.plan(spec(), registry: registry)
        XCTAssertTrue(winograd.cells.allSatisfy {
            $0.configuration.convolutionAlgorithm == .winograd4x4
                && $0.overrides["compute.convolution"] == .string("winograd4x4")
        })
        XCTAssertTrue(winograd.computeSummary.hasSuffix("; winograd4x4 (Winograd) convolutions"), winograd.computeSummary)
        var file = spec()
        file.convolution = .winograd
        let f2 = try SweepManifest.plan(file, registry: registry)
        XCTAssertTrue(f2.cells.allSatisfy { $0.overrides["compute.convolution"] == .string("winograd") })
        XCTAssertTrue(f2.computeSummary.hasSuffix("; winograd (Winograd) convolutions"), f2.computeSummary)
        file.convolution = .im2col
        let im2col = try SweepManifest.plan(file, registry: registry)
        XCTAssertTrue(im2col.cells.allSatisfy { $0.configuration.compute == nil && $0.overrides["compute.convolution"] == nil })
        XCTAssertTrue(im2col.computeSummary.hasSuffix("; im2col convolutions"), im2col.computeSummary)
        let entry = try registry.entry(named: "USPS")
        let before = try RunConfiguration.defaults(for: entry, seed: 1).applying(overrides: ["epochsPerPeriod": .number(2)])
        XCTAssertEqual(im2col.cells[0].configurationHash, try before.hash())
        let decoded = try JSONDecoder().decode(SweepSpecification.self, from: Data(
            #"{"name": "x", "datasets": ["USPS"], "seeds": [1], "convolution": "im2col"}"#.utf8))
        XCTAssertEqual(decoded.convolution, .im2col)
        XCTAssertThrowsError(try JSONDecoder().decode(SweepSpecification.self, from: Data(
            #"{"name": "x", "datasets": ["USPS"], "seeds": [1], "convolution": "fft"}"#.utf8)))
    }

    func testBadSweepFilesAreClearErrors() throws {
        let directory = try makeTemporaryDirectoryForHarness()
        let file = directory.appendingPathComponent("sweep.json")
        try #"{"name": "x", "datasets": [], "seeds": [1]}"#.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SweepSpecification.load(from: file)) { XCTAssertTrue("\($0)".contains("\"datasets\" is empty"), "\($0)") }
        try #"{"name": "x", "datasets": ["USPS"], "seeds": "one"}"#.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SweepSpecification.load(from: file)) { XCTAssertTrue("\($0)".contains("seeds"), "\($0)") }
        let registry = try HarnessFixtures.registry()
        let unknown = SweepSpecification(name: "x", datasets: ["NoSuchSet"], seeds: [1])
        XCTAssertThrowsError(try SweepManifest.plan(unknown, registry: registry)) { XCTAssertTrue("\($0)".contains("NoSuchSet"), "\($0)") }
    }

    func testLocksAreExclusiveAndStaleOnesAreTakenOver() throws {
        let url = try makeTemporaryDirectoryForHarness().appendingPathComponent("lock")
        let first = try XCTUnwrap(try CellLock.acquire(url))
        XCTAssertNil(try CellLock.acquire(url), "a live holder keeps the lock")
        first.release()
        // A lock left by a process that no longer exists is stale.
        try "\(ProcessInfo.processInfo.hostName) 999999\n".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertNil(CellLock.holder(at: url))
        XCTAssertNotNil(try CellLock.acquire(url))
    }

    /// A sweep run twice: the second run redoes nothing and the records are byte-identical.
    func testSweepIsIdempotent() throws {
        let registry = try HarnessFixtures.registry()
        let spec = SweepSpecification(name: "idem", datasets: ["USPS"], seeds: [1, 2],
                                      overrides: [["epochsPerPeriod": .number(1)]])
        let manifest = try SweepManifest.plan(spec, registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        try AtomicFile.writeJSON(manifest, to: directory.manifest)
        let dataset = HarnessFixtures.syntheticDataset()
        var loads = 0
        let executor = CellExecutor(directory: directory, manifest: manifest) { _ in loads += 1; return (dataset, "synthetic") }
        XCTAssertEqual(manifest.cells.map { directory.state(of: $0) }, [.pending, .pending])
        for i in manifest.cells.indices { XCTAssertEqual(try executor.run(index: i) { _ in }, .finished) }
        XCTAssertEqual(manifest.cells.map { directory.state(of: $0) }, [.done, .done])
        let first = try manifest.cells.map { try Data(contentsOf: directory.run($0).record) }
        XCTAssertEqual(loads, 2)
        for i in manifest.cells.indices { XCTAssertEqual(try executor.run(index: i) { _ in }, .alreadyDone) }
        XCTAssertEqual(loads, 2, "finished cells are not redone")
        XCTAssertEqual(try manifest.cells.map { try Data(contentsOf: directory.run($0).record) }, first)
        // A cell held by a live process is left alone.
        let cell = manifest.cells[0]
        try FileManager.default.removeItem(at: directory.run(cell).record)
        let held = try XCTUnwrap(try CellLock.acquire(directory.lock(cell)))
        XCTAssertEqual(directory.state(of: cell), .running)
        XCTAssertEqual(try executor.run(index: 0) { _ in }, .heldElsewhere)
        held.release()
        XCTAssertEqual(directory.state(of: cell), .pending)

        // A truncated record: not done but "unreadable record"; running the cell moves it aside (the lock and log
        // stay) and redoes it, to the same record.
        let other = manifest.cells[1]
        try first[1].prefix(300).write(to: directory.run(other).record)
        XCTAssertEqual(directory.state(of: other), .unreadable)
        XCTAssertEqual(CellState.unreadable.rawValue, "unreadable record")
        let reason = try XCTUnwrap(directory.unreadableRecordReason(of: other))
        XCTAssertTrue(reason.contains("\(other.id)/record.json"), reason)
        var lines: [String] = []
        let stub = SweepRunner(directory: directory, manifest: manifest,
                               cellCommand: (URL(fileURLWithPath: "/bin/sh"), ["-c", "exit 3"]))
        _ = stub.run(workers: 1, threadsPerWorker: 1, log: { lines.append($0) })
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(other.id): unreadable record (") && $0.contains("redone") }, "\(lines)")
        try? FileManager.default.removeItem(at: directory.failure(other))
        var notes: [String] = []
        XCTAssertEqual(try executor.run(index: 1) { if case let .note(n) = $0 { notes.append(n) } }, .finished)
        XCTAssertTrue(notes.contains { $0.contains("moved to") && $0.contains(".replaced-unreadable-record") }, "\(notes)")
        XCTAssertEqual(directory.state(of: other), .done)
        let aside = directory.url.appendingPathComponent("cells/\(other.id).replaced-unreadable-record")
        XCTAssertEqual(try Data(contentsOf: RunDirectory(aside).record), first[1].prefix(300))
        XCTAssertFalse(FileManager.default.fileExists(atPath: aside.appendingPathComponent("lock").path))
        let redone = try JSONCoding.decode(RunRecord.self, from: directory.run(other).record)
        XCTAssertEqual(redone.sf, try JSONDecoder().decode(RunRecord.self, from: first[1]).sf)
    }

    /// Status's estimate: a checkpointed cell from its own pace, a pending seed from its finished sibling, and a
    /// setting with no run at all counted as unestimated.
    func testEstimateOfTheComputeLeft() throws {
        let registry = try HarnessFixtures.registry()
        let spec = SweepSpecification(name: "eta", datasets: ["USPS"], seeds: [1, 2, 3],
                                      overrides: [["epochsPerPeriod": .number(2)], ["epochsPerPeriod": .number(3)]])
        let manifest = try SweepManifest.plan(spec, registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        try AtomicFile.writeJSON(manifest, to: directory.manifest)
        let dataset = HarnessFixtures.syntheticDataset()
        let twoEpochs = manifest.cells.filter { $0.configuration.epochsPerPeriod == 2 }.map(\.index)
        XCTAssertEqual(twoEpochs.count, 3)
        let executor = CellExecutor(directory: directory, manifest: manifest) { _ in (dataset, "synthetic") }
        XCTAssertEqual(try executor.run(index: twoEpochs[0]) { _ in }, .finished)
        let interrupted = JuleRunner(configuration: manifest.cells[twoEpochs[1]].configuration, dataset: dataset,
                                     datasetSHA256: "x", outputDirectory: directory.run(manifest.cells[twoEpochs[1]]).url)
        interrupted.interruptAfterEpoch = 1
        XCTAssertThrowsError(try interrupted.run())

        let estimate = SweepEstimate(manifest: manifest, directory: directory)
        let record = try JSONCoding.decode(RunRecord.self, from: directory.run(manifest.cells[twoEpochs[0]]).record)
        XCTAssertNil(estimate.remaining[twoEpochs[0]], "done cells need nothing")
        let progress = try XCTUnwrap(RunProgress(directory: directory.run(manifest.cells[twoEpochs[1]])))
        XCTAssertEqual(progress.target, 4, "the checkpoint records n*")
        XCTAssertEqual(estimate.remaining[twoEpochs[1]],
                       progress.remainingSeconds(configuration: manifest.cells[twoEpochs[1]].configuration, target: 4))
        XCTAssertEqual(estimate.remaining[twoEpochs[2]], record.timings["total"], "a pending seed costs what its sibling did")
        XCTAssertEqual(estimate.unestimated, 3, "no run of the 3-epoch setting has started")
        XCTAssertEqual(estimate.remaining.count, 2)
    }

    func testFailedCellLeavesReasonAndNoRecord() throws {
        let registry = try HarnessFixtures.registry()
        let manifest = try SweepManifest.plan(SweepSpecification(name: "f", datasets: ["USPS"], seeds: [1]), registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        struct Broken: Error, CustomStringConvertible { var description: String { "cache file is corrupt" } }
        let executor = CellExecutor(directory: directory, manifest: manifest) { _ in throw Broken() }
        XCTAssertThrowsError(try executor.run(index: 0) { _ in })
        XCTAssertEqual(directory.state(of: manifest.cells[0]), .failed)
        XCTAssertEqual(directory.failureReason(of: manifest.cells[0]), "cache file is corrupt")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.run(manifest.cells[0]).record.path))
        XCTAssertThrowsError(try executor.run(index: 5) { _ in }) { XCTAssertTrue("\($0)".contains("out of range"), "\($0)") }
    }

    /// A cell run again (after a kill or a failure) appends to its log instead of truncating it.
    /// Two sweeps on one folder: a cell that the other finished (or holds) after this one's scan is counted as done
    /// elsewhere (or running elsewhere), not as finished here, and no child is started for it.
    func testCellsFinishedByAnotherSweepAreNotCountedAsFinishedHere() throws {
        let registry = try HarnessFixtures.registry()
        let spec = SweepSpecification(name: "two", datasets: ["USPS"], seeds: [1, 2, 3], overrides: [["epochsPerPeriod": .number(1)]])
        let manifest = try SweepManifest.plan(spec, registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        try AtomicFile.writeJSON(manifest, to: directory.manifest)
        let dataset = HarnessFixtures.syntheticDataset()
        let executor = CellExecutor(directory: directory, manifest: manifest) { _ in (dataset, "synthetic") }
        XCTAssertEqual(try executor.run(index: 1) { _ in }, .finished)
        let record = directory.run(manifest.cells[1]).record
        let kept = directory.url.appendingPathComponent("record-1.json")
        try FileManager.default.moveItem(at: record, to: kept)
        let lock = directory.lock(manifest.cells[2])
        // Stand-in child for cell 0: "the other sweep" finishes cell 1 and takes cell 2 (a live holder: this test's
        // process), then fails; a child started for cell 1 or 2 would append to the started list.
        let started = directory.url.appendingPathComponent("started.txt")
        let script = "echo $0 >> '\(started.path)'; if [ $0 = 0 ]; then cp '\(kept.path)' '\(record.path)'; "
            + "mkdir -p '\(lock.deletingLastPathComponent().path)'; printf '%s %s\\n' '\(ProcessInfo.processInfo.hostName)' \(getpid()) > '\(lock.path)'; fi; exit 3"
        let runner = SweepRunner(directory: directory, manifest: manifest, cellCommand: (URL(fileURLWithPath: "/bin/sh"), ["-c", script]))
        var lines: [String] = []
        let summary = runner.run(workers: 1, threadsPerWorker: 1, log: { lines.append($0) })
        XCTAssertEqual(try String(contentsOf: started, encoding: .utf8), "0\n")
        XCTAssertEqual(summary.finished, 0, "\(lines)")
        XCTAssertEqual(summary.alreadyDone, 1, "\(lines)")
        XCTAssertEqual(summary.skippedRunning, 1, "\(lines)")
        XCTAssertEqual(summary.failedCells, [manifest.cells[0].id])
        XCTAssertTrue(lines.contains("\(manifest.cells[1].id): finished elsewhere since this sweep started; skipped"), "\(lines)")
        XCTAssertTrue(lines.contains("\(manifest.cells[2].id): running elsewhere; skipped"), "\(lines)")
    }

    func testRerunCellAppendsToItsLog() throws {
        let registry = try HarnessFixtures.registry()
        let manifest = try SweepManifest.plan(SweepSpecification(name: "l", datasets: ["USPS"], seeds: [1]), registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        // Stand-in child: prints one line and fails, leaving the cell pending for the next run.
        let runner = SweepRunner(directory: directory, manifest: manifest,
                                 cellCommand: (URL(fileURLWithPath: "/bin/sh"), ["-c", "echo attempt for cell $0; exit 3"]))
        for _ in 0..<2 { _ = runner.run(workers: 1, threadsPerWorker: 1, log: { _ in }) }
        let log = try String(contentsOf: directory.log(manifest.cells[0]), encoding: .utf8)
        XCTAssertEqual(log.components(separatedBy: "attempt for cell 0").count - 1, 2, log)
    }

    /// Cells keep the niceness of the thread that made the runner (`nice -n 19 jule sweep run`), although they are
    /// started from Dispatch threads that libdispatch re-nices by QoS; a cell only ever lowers its own priority.
    func testCellsKeepTheSweepsNiceness() throws {
        let registry = try HarnessFixtures.registry()
        let manifest = try SweepManifest.plan(SweepSpecification(name: "n", datasets: ["USPS"], seeds: [1]), registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectoryForHarness())
        final class Seen: @unchecked Sendable { var runner: Int32 = 0, applied: Int32 = 0, ignored: Int32 = 0 }
        let seen = Seen(), done = DispatchSemaphore(value: 0)
        // On a thread of its own: niceness is per thread on Linux, and raising it cannot be undone without privilege.
        Thread {
            let start = Niceness.current()
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(start + 3, 19))
            let runner = SweepRunner(directory: directory, manifest: manifest,
                                     cellCommand: (URL(fileURLWithPath: "/bin/sh"), ["-c", "echo niceness=$JULE_NICENESS; exit 3"]))
            seen.runner = runner.niceness
            _ = runner.run(workers: 1, threadsPerWorker: 1, log: { _ in })
            Niceness.applyInherited(environment: [Niceness.environmentVariable: String(min(start + 5, 19))])
            seen.applied = Niceness.current()
            Niceness.applyInherited(environment: [Niceness.environmentVariable: String(start)])
            seen.ignored = Niceness.current()
            done.signal()
        }.start()
        done.wait()
        let start = Niceness.current()
        XCTAssertEqual(seen.runner, min(start + 3, 19))
        let log = try String(contentsOf: directory.log(manifest.cells[0]), encoding: .utf8)
        XCTAssertTrue(log.contains("niceness=\(min(start + 3, 19))"), log)
        XCTAssertEqual(seen.applied, min(start + 5, 19))
        XCTAssertEqual(seen.ignored, min(start + 5, 19), "a lower value is ignored")
    }

    func testSlurmScriptsAreValidBash() throws {
        let directory = try makeTemporaryDirectoryForHarness()
        let scripts = SlurmScripts(sweepDirectory: directory.appendingPathComponent("sweep dir"), cellCount: 35,
                                   jule: URL(fileURLWithPath: "/opt/jule/bin/jule"), extraArguments: ["--cache", "/data/jule cache"],
                                   resultsDirectory: directory.appendingPathComponent("results"), concurrency: 4)
        XCTAssertTrue(scripts.arrayScript.contains("#SBATCH --array=0-34%4"))
        XCTAssertTrue(scripts.arrayScript.contains("sweep cell '\(directory.path)/sweep dir' \"$((first + SLURM_ARRAY_TASK_ID))\" --cache '/data/jule cache'"))
        // sbatch reads a double-quoted #SBATCH word, so the log header survives a space in the path.
        XCTAssertTrue(scripts.arrayScript.contains("#SBATCH --output=\"\(directory.path)/sweep dir/slurm/cell-%A_%a.out\""), scripts.arrayScript)
        XCTAssertTrue(scripts.aggregateScript.contains("#SBATCH --output=\"\(directory.path)/sweep dir/slurm/report-%j.out\""))
        for url in try scripts.write() {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/bin/bash")
            check.arguments = ["-n", url.path]
            try check.run()
            check.waitUntilExit()
            XCTAssertEqual(check.terminationStatus, 0, "bash -n \(url.lastPathComponent)")
        }
    }

    /// Slurm refuses array indices at or above MaxArraySize (default 1001): 1,100 cells go in as two array jobs whose
    /// tasks each run cell FIRST + task id, every log named by job and task, and the report waits for both.
    func testSlurmSweepLargerThanMaxArraySizeIsSplit() throws {
        let directory = try makeTemporaryDirectoryForHarness()
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = """
        #!/bin/bash
        echo "$*" >> "\(directory.path)/sbatch.log"
        n=$(wc -l < "\(directory.path)/sbatch.log"); echo "$((100 + n));cluster"

        """
        try fake.write(to: bin.appendingPathComponent("sbatch"), atomically: true, encoding: .utf8)
        try "#!/bin/bash\necho \"$*\"\n".write(to: bin.appendingPathComponent("jule"), atomically: true, encoding: .utf8)
        for name in ["sbatch", "jule"] { chmod(bin.appendingPathComponent(name).path, 0o755) }
        let sweep = directory.appendingPathComponent("big")
        let scripts = SlurmScripts(sweepDirectory: sweep, cellCount: 1100, jule: bin.appendingPathComponent("jule"),
                                   resultsDirectory: sweep)
        XCTAssertEqual(scripts.parts.map(\.first), [0, 1001])
        XCTAssertTrue(scripts.arrayScript.contains("#SBATCH --array=0-1000\n"), scripts.arrayScript)
        _ = try scripts.write()

        func bash(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
            let process = Process(), pipe = Pipe()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                .merging(["PATH": bin.path + ":/usr/bin:/bin"]) { $1 }
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, arguments.joined(separator: " "))
            return String(decoding: data, as: UTF8.self)
        }
        let submitted = try bash([sweep.appendingPathComponent("slurm/submit.sh").path])
        XCTAssertTrue(submitted.contains("2 array jobs (at most 1001 tasks each) 101 102 (1100 tasks) and report job 103"), submitted)
        let calls = try String(contentsOf: directory.appendingPathComponent("sbatch.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(calls.count, 3, calls.joined(separator: "\n"))
        XCTAssertEqual(calls[0], "--parsable --array=0-1000 --output=\(sweep.path)/slurm/cell-%A_%a.out \(sweep.path)/slurm/sweep.sbatch 0")
        XCTAssertEqual(calls[1], "--parsable --array=0-98 --output=\(sweep.path)/slurm/cell-%A_1001+%a.out \(sweep.path)/slurm/sweep.sbatch 1001")
        XCTAssertEqual(calls[2], "--parsable --dependency=afterok:101:102 \(sweep.path)/slurm/report.sbatch")
        // Task 98 of the second array job runs the last cell, 1099.
        let script = sweep.appendingPathComponent("slurm/sweep.sbatch").path
        XCTAssertEqual(try bash([script, "1001"], environment: ["SLURM_ARRAY_TASK_ID": "98"]),
                       "sweep cell \(sweep.path) 1099\n")
        XCTAssertEqual(try bash([script], environment: ["SLURM_ARRAY_TASK_ID": "7"]), "sweep cell \(sweep.path) 7\n")

        // Only some cells (--pending-only): ranges per part, indices relative to the part's first cell.
        var pending = scripts
        pending.cells = [3, 4, 5, 9, 1000, 1002, 1003]
        XCTAssertEqual(pending.parts, [.init(first: 0, tasks: [3, 4, 5, 9, 1000]), .init(first: 1001, tasks: [1, 2])])
        XCTAssertEqual(pending.parts[0].arraySpec(concurrency: 8), "3-5,9,1000%8")
        pending.maxArraySize = 0
        XCTAssertThrowsError(try pending.validate())
    }

    /// `#SBATCH` lines are read by sbatch, not a shell: a quote, backslash or `#` in the sweep's path is refused by name.
    func testSlurmRefusesSweepPathsAnSBATCHLineCannotHold() throws {
        for name in ["it's", "a#b", "say \"hi\""] {
            let scripts = SlurmScripts(sweepDirectory: URL(fileURLWithPath: "/tmp/\(name)"), cellCount: 2,
                                       jule: URL(fileURLWithPath: "/opt/jule"), resultsDirectory: URL(fileURLWithPath: "/tmp"))
            XCTAssertThrowsError(try scripts.validate(), name) { error in
                XCTAssertTrue("\(error)".contains("/tmp/\(name)"), "\(error)")
            }
        }
        // A % in the folder is doubled: sbatch expands %-patterns in --output.
        let percent = SlurmScripts(sweepDirectory: URL(fileURLWithPath: "/tmp/100%"), cellCount: 2,
                                   jule: URL(fileURLWithPath: "/opt/jule"), resultsDirectory: URL(fileURLWithPath: "/tmp"))
        XCTAssertTrue(percent.arrayScript.contains("#SBATCH --output=/tmp/100%%/slurm/cell-%A_%a.out"), percent.arrayScript)
    }
}
