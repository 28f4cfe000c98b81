import Foundation
import JuleData

/// `sbatch` scripts for running a sweep beyond one machine: an array job with one task per manifest cell
/// (each runs `jule sweep cell DIR INDEX` and writes its record into the shared sweep directory), an
/// aggregation job that runs `jule report` once every task has succeeded (`--dependency=afterok`), and a
/// submit script that chains the two.
public struct SlurmScripts: Sendable {
    public var sweepDirectory: URL
    public var cellCount: Int
    public var jule: URL
    /// Passed to every `jule` invocation (data options such as --cache and --mirror).
    public var extraArguments: [String]
    public var resultsDirectory: URL
    public var cpusPerTask: Int
    public var memory: String
    public var timeLimit: String
    public var partition: String?
    /// At most this many array tasks at once (`%N`), nil for no limit.
    public var concurrency: Int?

    public init(sweepDirectory: URL, cellCount: Int, jule: URL, extraArguments: [String] = [], resultsDirectory: URL,
                cpusPerTask: Int = 2, memory: String = "8G", timeLimit: String = "24:00:00", partition: String? = nil,
                concurrency: Int? = nil) {
        self.sweepDirectory = sweepDirectory; self.cellCount = cellCount; self.jule = jule
        self.extraArguments = extraArguments; self.resultsDirectory = resultsDirectory
        self.cpusPerTask = cpusPerTask; self.memory = memory; self.timeLimit = timeLimit
        self.partition = partition; self.concurrency = concurrency
    }

    public var arrayScript: String {
        let range = "0-\(max(cellCount - 1, 0))" + (concurrency.map { "%\($0)" } ?? "")
        return """
        #!/usr/bin/env bash
        #SBATCH --job-name=jule-sweep
        #SBATCH --array=\(range)
        #SBATCH --cpus-per-task=\(cpusPerTask)
        #SBATCH --mem=\(memory)
        #SBATCH --time=\(timeLimit)
        #SBATCH --output=\(shellQuote(sweepDirectory.appendingPathComponent("slurm").path))/cell-%a.out
        \(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
        # One JULE run per array task; the record lands in the shared sweep directory. A re-submitted task
        # resumes its cell from the last completed epoch, and a finished cell is not redone.
        set -euo pipefail
        export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}"
        export JULE_THREADS="$OPENBLAS_NUM_THREADS"
        exec \(command(["sweep", "cell", sweepDirectory.path, "\"$SLURM_ARRAY_TASK_ID\""]))

        """
    }

    public var aggregateScript: String {
        """
        #!/usr/bin/env bash
        #SBATCH --job-name=jule-report
        #SBATCH --cpus-per-task=1
        #SBATCH --mem=2G
        #SBATCH --time=01:00:00
        #SBATCH --output=\(shellQuote(sweepDirectory.appendingPathComponent("slurm").path))/report.out
        \(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
        # Runs after every array task succeeded (afterok): aggregates the records into the results tables.
        set -euo pipefail
        \(command(["sweep", "status", sweepDirectory.path], dataOptions: false))
        exec \(command(["report", "--records", sweepDirectory.path, "--out", resultsDirectory.path]))

        """
    }

    public var submitScript: String {
        let dir = shellQuote(sweepDirectory.path)
        return """
        #!/usr/bin/env bash
        # Submits the sweep's array job and the report job that depends on it.
        set -euo pipefail
        mkdir -p \(shellQuote(sweepDirectory.appendingPathComponent("slurm").path))
        array=$(sbatch --parsable \(dir)/slurm/sweep.sbatch)
        array=${array%%;*}
        report=$(sbatch --parsable --dependency=afterok:"$array" \(dir)/slurm/report.sbatch)
        echo "submitted array job $array (\(cellCount) tasks) and report job ${report%%;*}"

        """
    }

    /// Writes `slurm/sweep.sbatch`, `slurm/report.sbatch` and `slurm/submit.sh` into the sweep directory.
    public func write() throws -> [URL] {
        let dir = sweepDirectory.appendingPathComponent("slurm")
        let files = [("sweep.sbatch", arrayScript), ("report.sbatch", aggregateScript), ("submit.sh", submitScript)]
        return try files.map { name, text in
            let url = dir.appendingPathComponent(name)
            try AtomicFile.write(text, to: url)
            chmod(url.path, 0o755)
            return url
        }
    }

    /// A `jule` command line; `"$VAR"` words pass through unquoted so bash expands them.
    private func command(_ arguments: [String], dataOptions: Bool = true) -> String {
        ([shellQuote(jule.path)] + arguments.map { $0.hasPrefix("\"$") ? $0 : shellQuote($0) }
            + (dataOptions ? extraArguments.map(shellQuote) : [])).joined(separator: " ")
    }
}

/// Single-quotes a word for bash unless it is plainly safe.
func shellQuote(_ word: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
