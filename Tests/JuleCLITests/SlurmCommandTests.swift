import Foundation
import XCTest
import _JuleTestSupport

/// `jule sweep slurm` as a user with imported data runs it: the scripts carry the cache the data lives in (a Slurm
/// task starts without this shell's JULE_CACHE), the report job writes beside the sweep (not into ./results), and a
/// mistyped #SBATCH value is named before anything is written.
final class SlurmCommandTests: XCTestCase {
    func testScriptsCarryTheCacheAndWriteTheReportBesideTheSweep() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule cli"))
        try OwnDataFixtures(perClass: 4).writeFolder(cli.url("tree"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("tree").path, "--quiet"]).status, 0)
        try #"{"name": "own", "datasets": ["own"], "seeds": [1, 2], "overrides": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("own.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "own.json", "--out", "my sweep"]).status, 0)

        // Bad values: one line each, and no script written.
        for (option, value, mention) in [("--memory", "lots", "--memory lots"), ("--time", "forever", "--time forever"),
                                         ("--cpus-per-task", "0", "--cpus-per-task 0"), ("--concurrency", "0", "--concurrency 0"),
                                         ("--partition", "gpu\n#SBATCH --x", "--partition")] {
            assertCleanError(try cli.run(["sweep", "slurm", "my sweep", option, value]), mentions: [mention])
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("my sweep/slurm").path), option)
        }

        let written = try cli.run(["sweep", "slurm", "my sweep", "--time", "1-12:00", "--memory", "4G"])
        XCTAssertEqual(written.status, 0, written.output)
        let sweep = cli.url("my sweep").standardizedFileURL.path
        XCTAssertTrue(written.stdout.contains("submit with: bash '\(sweep)/slurm/submit.sh'"), written.stdout)
        let array = try String(contentsOf: cli.url("my sweep/slurm/sweep.sbatch"), encoding: .utf8)
        XCTAssertTrue(array.contains("--cache '\(cli.cache.standardizedFileURL.path)'"), array)
        // A path with a space goes into the #SBATCH line double-quoted (sbatch reads that; `sbatch sweep.sbatch` alone
        // keeps its logs); each log names the job as well as the task, so a re-submission does not overwrite one.
        XCTAssertTrue(array.contains("#SBATCH --output=\"\(sweep)/slurm/cell-%A_%a.out\""), array)
        let submit = try String(contentsOf: cli.url("my sweep/slurm/submit.sh"), encoding: .utf8)
        XCTAssertTrue(submit.contains("--output='\(sweep)/slurm/cell-%A_%a.out'"), submit)
        XCTAssertTrue(array.contains("#SBATCH --time=1-12:00"), array)
        let report = try String(contentsOf: cli.url("my sweep/slurm/report.sbatch"), encoding: .utf8)
        XCTAssertTrue(report.contains("report --records '\(sweep)' --out '\(sweep)'"), report)
        XCTAssertFalse(report.contains("/results"), report)
        XCTAssertTrue(report.contains("sweep status '\(sweep)' --registry"), report)

        // A task run from a shell without JULE_CACHE still finds the imported dataset: the cell command as written.
        let line = try XCTUnwrap(array.split(separator: "\n").first { $0.hasPrefix("exec ") })
        let start = try XCTUnwrap(line.range(of: "sweep cell")).upperBound
        let tail = String(line[start...]).replacingOccurrences(of: "\"$SLURM_ARRAY_TASK_ID\"", with: "0")
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/bash")
        task.arguments = ["-c", "\(CLI.binary.path) sweep cell \(tail) --quiet"]
        var environment = cli.environment
        environment["JULE_CACHE"] = nil
        environment["HOME"] = cli.url("elsewhere").path
        task.environment = environment
        task.currentDirectoryURL = cli.root
        task.standardOutput = FileHandle.nullDevice
        task.standardError = FileHandle.nullDevice
        try task.run()
        task.waitUntilExit()
        XCTAssertEqual(task.terminationStatus, 0)
        let status = try cli.run(["sweep", "status", "my sweep"])
        XCTAssertTrue(status.stdout.contains("1 done"), status.output)

        // Re-submitting only what is left: the done cell 0 is not queued again.
        let pending = try cli.run(["sweep", "slurm", "my sweep", "--pending-only"])
        XCTAssertEqual(pending.status, 0, pending.output)
        XCTAssertTrue(pending.stdout.contains("1 of 2 cells to submit"), pending.stdout)
        let again = try String(contentsOf: cli.url("my sweep/slurm/sweep.sbatch"), encoding: .utf8)
        XCTAssertTrue(again.contains("#SBATCH --array=1\n"), again)
        assertCleanError(try cli.run(["sweep", "slurm", "my sweep", "--max-array-size", "0"]), mentions: ["--max-array-size 0"])
        // A quote in the path cannot go into an #SBATCH line: refused by name, nothing written.
        XCTAssertEqual(try cli.run(["sweep", "plan", "own.json", "--out", "it's"]).status, 0)
        assertCleanError(try cli.run(["sweep", "slurm", "it's"]), mentions: ["it's", "#SBATCH"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("it's/slurm").path))
    }
}
