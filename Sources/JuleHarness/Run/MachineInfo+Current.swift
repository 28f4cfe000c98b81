import COpenBLAS
import Foundation
import JuleCompute

extension MachineInfo {
    /// Facts about the machine this process runs on.
    public static func current() -> MachineInfo {
        let info = ProcessInfo.processInfo
        var blas = "OpenBLAS"
        if let config = openblas_get_config() { blas = String(cString: config) + " core " + CPUBackend.openBLASCore }
        if let blis = CPUBackend.blisVersion { blas += "; BLIS \(blis) \(CPUBackend.blisArchitecture ?? "")" }
        let backend = ComputeThreads.backend()
        return MachineInfo(host: info.hostName, cores: info.activeProcessorCount,
                           memoryGiB: Double(info.physicalMemory) / 1_073_741_824,
                           blas: blas, blasThreads: Int(openblas_get_num_threads()),
                           gemmKernel: backend.gemmKernel.rawValue, computeWorkers: backend.workerCount,
                           os: info.operatingSystemVersionString, cpu: cpuModel())
    }

    /// The first "model name" of /proc/cpuinfo; nil where there is none.
    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? nil : name
        }
        return nil
    }
}

/// Process-level measurements for run records.
public enum ProcessStatistics {
    /// Peak resident set size of this process in MiB (VmHWM from /proc/self/status; 0 where unavailable).
    public static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

/// The code version a run was made with: `$JULE_CODE_VERSION` when set (a binary copied away from its checkout for a
/// long sweep), else the git commit of the working directory, with "-dirty" for local changes.
public enum CodeVersion {
    public static func current(in directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String {
        if let pinned = ProcessInfo.processInfo.environment["JULE_CODE_VERSION"], !pinned.isEmpty { return pinned }
        guard let commit = git(["rev-parse", "--short=12", "HEAD"], in: directory) else { return "unknown" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
        return dirty ? commit + "-dirty" : commit
    }

    private static func git(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
