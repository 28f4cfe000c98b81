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
        \(outputDirective("cell-%a.out"))\(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
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
        \(outputDirective("report.out"))\(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
        # Runs after every array task succeeded (afterok): aggregates the records into the results tables.
        set -euo pipefail
        \(command(["sweep", "status", sweepDirectory.path]))
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
        array=$(sbatch --parsable --output=\(dir)/slurm/cell-%a.out \(dir)/slurm/sweep.sbatch)
        array=${array%%;*}
        report=$(sbatch --parsable --output=\(dir)/slurm/report.out --dependency=afterok:"$array" \(dir)/slurm/report.sbatch)
        echo "submitted array job $array (\(cellCount) tasks) and report job ${report%%;*}"

        """
    }

    /// `#SBATCH --output=…` for a log in the sweep's slurm/ folder, or nothing when the path would need quoting:
    /// `#SBATCH` lines are not read by a shell, so submit.sh gives the same option on sbatch's command line, where bash
    /// quotes it (and a command-line option wins over the script's).
    private func outputDirective(_ name: String) -> String {
        let path = sweepDirectory.appendingPathComponent("slurm").appendingPathComponent(name).path
        return shellQuote(path) == path ? "#SBATCH --output=\(path)\n" : ""
    }

    /// Checks the values that go into `#SBATCH` lines, so a typo is named now rather than by sbatch on the cluster
    /// (or, for a partition with a line break, silently turned into another directive).
    public func validate() throws {
        func refuse(_ option: String, _ value: String, _ expected: String) -> HarnessError {
            .invalidConfiguration("--\(option) \(value): \(expected)")
        }
        guard cpusPerTask >= 1 else { throw refuse("cpus-per-task", String(cpusPerTask), "must be at least 1") }
        if let concurrency, concurrency < 1 { throw refuse("concurrency", String(concurrency), "must be at least 1") }
        guard memory.range(of: #"^[1-9][0-9]*[KMGT]?$"#, options: .regularExpression) != nil else {
            throw refuse("memory", memory, "expected a whole number with an optional unit K, M, G or T (e.g. 8G, 16000M)")
        }
        guard Self.isTimeLimit(timeLimit) else {
            throw refuse("time", timeLimit, "expected Slurm's form minutes, minutes:seconds, hours:minutes:seconds, "
                         + "days-hours, days-hours:minutes, days-hours:minutes:seconds, or UNLIMITED")
        }
        if let partition, partition.range(of: #"^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$"#, options: .regularExpression) == nil {
            throw refuse("partition", partition, "expected a partition name or a comma-separated list of names")
        }
    }

    /// Slurm's `--time` forms (sbatch(1)); at least one field non-zero, UNLIMITED / infinite as Slurm spells them.
    static func isTimeLimit(_ text: String) -> Bool {
        if ["UNLIMITED", "unlimited", "INFINITE", "infinite"].contains(text) { return true }
        let forms = [#"^\d+$"#, #"^\d+:\d{1,2}$"#, #"^\d+:\d{1,2}:\d{1,2}$"#,
                     #"^\d+-\d+$"#, #"^\d+-\d+:\d{1,2}$"#, #"^\d+-\d+:\d{1,2}:\d{1,2}$"#]
        guard forms.contains(where: { text.range(of: $0, options: .regularExpression) != nil }) else { return false }
        return text.contains { $0 != "0" && $0.isNumber }
    }

    /// Writes `slurm/sweep.sbatch`, `slurm/report.sbatch` and `slurm/submit.sh` into the sweep directory.
    public func write() throws -> [URL] {
        try validate()
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
    private func command(_ arguments: [String]) -> String {
        ([shellQuote(jule.path)] + arguments.map { $0.hasPrefix("\"$") ? $0 : shellQuote($0) }
            + extraArguments.map(shellQuote)).joined(separator: " ")
    }
}

/// Single-quotes a word for bash unless it is plainly safe.
public func shellQuote(_ word: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
