import Foundation
import JuleData

/// `sbatch` scripts for running a sweep beyond one machine: an array job with one task per manifest cell
/// (each runs `jule sweep cell DIR INDEX` and writes its record into the shared sweep directory), an
/// aggregation job that runs `jule report` once every task has succeeded (`--dependency=afterok`), and a
/// submit script that chains the two.
///
/// Slurm refuses an array index at or above its `MaxArraySize` (default 1001), so the cells are submitted in
/// parts of at most `maxArraySize` tasks: part `k` runs cells `first + SLURM_ARRAY_TASK_ID` with
/// `first = k · maxArraySize` passed as the script's argument; every index stays below the limit.
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
    /// At most this many array tasks at once (`%N`) in each part, nil for no limit.
    public var concurrency: Int?
    /// The cluster's `MaxArraySize`: every array index stays below it.
    public var maxArraySize: Int
    /// The cell indices to submit (all by default; `--pending-only` leaves out the done ones), ascending.
    public var cells: [Int]

    public init(sweepDirectory: URL, cellCount: Int, jule: URL, extraArguments: [String] = [], resultsDirectory: URL,
                cpusPerTask: Int = 2, memory: String = "8G", timeLimit: String = "24:00:00", partition: String? = nil,
                concurrency: Int? = nil, maxArraySize: Int = SlurmScripts.defaultMaxArraySize, cells: [Int]? = nil) {
        self.sweepDirectory = sweepDirectory; self.cellCount = cellCount; self.jule = jule
        self.extraArguments = extraArguments; self.resultsDirectory = resultsDirectory
        self.cpusPerTask = cpusPerTask; self.memory = memory; self.timeLimit = timeLimit
        self.partition = partition; self.concurrency = concurrency
        self.maxArraySize = maxArraySize; self.cells = cells ?? Array(0..<cellCount)
    }

    /// Slurm's default `MaxArraySize` (slurm.conf): array indices 0 to 1000.
    public static let defaultMaxArraySize = 1001

    /// One array job: its first cell and its task ids (cell = first + task id, each task id < maxArraySize).
    public struct Part: Equatable, Sendable {
        public var first: Int
        public var tasks: [Int]
        /// `--array` value: ranges such as `0-9,12,15-20`, then `%N` when concurrency is bounded.
        public func arraySpec(concurrency: Int?) -> String {
            var ranges: [String] = []
            var start = tasks.first ?? 0, end = start
            for task in tasks.dropFirst() {
                if task == end + 1 { end = task; continue }
                ranges.append(start == end ? "\(start)" : "\(start)-\(end)"); start = task; end = task
            }
            ranges.append(start == end ? "\(start)" : "\(start)-\(end)")
            return ranges.joined(separator: ",") + (concurrency.map { "%\($0)" } ?? "")
        }
        /// The task's log, `cell-JOB_TASK.out`, or `cell-JOB_FIRST+TASK.out` beyond the first part (the cell is FIRST+TASK).
        public var logName: String { first == 0 ? "cell-%A_%a.out" : "cell-%A_\(first)+%a.out" }
    }

    public var parts: [Part] {
        let size = max(maxArraySize, 1)
        return Dictionary(grouping: cells, by: { $0 / size }).sorted { $0.key < $1.key }.map { key, indices in
            Part(first: key * size, tasks: indices.sorted().map { $0 - key * size })
        }
    }

    public var arrayScript: String {
        let part = parts.first ?? Part(first: 0, tasks: [0])
        return """
        #!/usr/bin/env bash
        #SBATCH --job-name=jule-sweep
        #SBATCH --array=\(part.arraySpec(concurrency: concurrency))
        #SBATCH --cpus-per-task=\(cpusPerTask)
        #SBATCH --mem=\(memory)
        #SBATCH --time=\(timeLimit)
        #SBATCH --output=\(directivePath(part.logName))
        \(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
        # One JULE run per array task, cell FIRST + SLURM_ARRAY_TASK_ID (FIRST, the script's argument, is \(part.first) for
        # the array above; submit.sh passes it for each part). The record lands in the shared sweep directory. A
        # re-submitted task resumes its cell from the last completed epoch, and a finished cell is not redone.
        set -euo pipefail
        first="${1:-\(part.first)}"
        export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}"
        export JULE_THREADS="$OPENBLAS_NUM_THREADS"
        exec \(command(["sweep", "cell", sweepDirectory.path, "\"$((first + SLURM_ARRAY_TASK_ID))\""]))

        """
    }

    public var aggregateScript: String {
        """
        #!/usr/bin/env bash
        #SBATCH --job-name=jule-report
        #SBATCH --cpus-per-task=1
        #SBATCH --mem=2G
        #SBATCH --time=01:00:00
        #SBATCH --output=\(directivePath("report-%j.out"))
        \(partition.map { "#SBATCH --partition=\($0)\n" } ?? "")
        # Runs after every array task succeeded (afterok): aggregates the records into the results tables.
        set -euo pipefail
        \(command(["sweep", "status", sweepDirectory.path]))
        exec \(command(["report", "--records", sweepDirectory.path, "--out", resultsDirectory.path]))

        """
    }

    public var submitScript: String {
        let slurm = sweepDirectory.appendingPathComponent("slurm")
        let script = shellQuote(slurm.appendingPathComponent("sweep.sbatch").path)
        let submissions = parts.map { part in
            "arrays+=(\"$(sbatch --parsable --array=\(part.arraySpec(concurrency: concurrency)) "
                + "--output=\(shellQuote(logPath(part.logName))) \(script) \(part.first))\")"
        }
        let count = cells.count == 1 ? "1 task" : "\(cells.count) tasks"
        let jobs = parts.count == 1 ? "array job" : "\(parts.count) array jobs (at most \(maxArraySize) tasks each)"
        return """
        #!/usr/bin/env bash
        # Submits the sweep's array job(s) and the report job that depends on them.
        set -euo pipefail
        mkdir -p \(shellQuote(slurm.path))
        arrays=()
        \(submissions.joined(separator: "\n"))
        arrays=("${arrays[@]%%;*}")
        after=$(IFS=:; echo "${arrays[*]}")
        report=$(sbatch --parsable --dependency=afterok:"$after" \(shellQuote(slurm.appendingPathComponent("report.sbatch").path)))
        echo "submitted \(jobs) ${arrays[*]} (\(count)) and report job ${report%%;*}"

        """
    }

    /// A log in the sweep's slurm/ folder, `%` doubled where it is part of the folder (sbatch's filename patterns).
    private func logPath(_ name: String) -> String {
        sweepDirectory.appendingPathComponent("slurm").path.replacingOccurrences(of: "%", with: "%%") + "/" + name
    }

    /// The log path for an `#SBATCH` line: sbatch, not a shell, reads those; it takes a double-quoted word (so a
    /// space is fine) but a quote, backslash or `#` would be read differently, which `validate()` refuses.
    private func directivePath(_ name: String) -> String {
        let path = logPath(name)
        return path.contains(where: \.isWhitespace) ? "\"\(path)\"" : path
    }

    /// Characters an `#SBATCH` line cannot carry in a path (sbatch reads quotes, backslashes and `#` itself).
    static let unsafeDirectiveCharacters: Set<Character> = ["\"", "'", "\\", "#", "\n", "\r"]

    /// Checks the values that go into `#SBATCH` lines, so a typo is named now rather than by sbatch on the cluster
    /// (or, for a partition with a line break, silently turned into another directive).
    public func validate() throws {
        func refuse(_ option: String, _ value: String, _ expected: String) -> HarnessError {
            .invalidConfiguration("--\(option) \(value): \(expected)")
        }
        guard cpusPerTask >= 1 else { throw refuse("cpus-per-task", String(cpusPerTask), "must be at least 1") }
        if let concurrency, concurrency < 1 { throw refuse("concurrency", String(concurrency), "must be at least 1") }
        guard maxArraySize >= 1 else { throw refuse("max-array-size", String(maxArraySize), "must be at least 1") }
        if let bad = sweepDirectory.path.first(where: Self.unsafeDirectiveCharacters.contains) {
            throw HarnessError.invalidConfiguration("\(sweepDirectory.path): the sweep directory goes into #SBATCH --output "
                + "lines, which sbatch cannot read with \(bad.debugDescription) in a path; plan the sweep into a folder without it")
        }
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
