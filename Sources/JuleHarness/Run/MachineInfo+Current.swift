import COpenBLAS
import Foundation
import JuleBuildInfo
import JuleCompute

extension MachineInfo {
    /// Facts about the machine this process runs on, with the GEMM kernel a run gets (`portable`: portable mode's).
    public static func current(portable: Bool = false) -> MachineInfo {
        let info = ProcessInfo.processInfo
        var blas = "OpenBLAS"
        if let config = openblas_get_config() { blas = String(cString: config) + " core " + CPUBackend.openBLASCore }
        if let blis = CPUBackend.blisVersion { blas += "; BLIS \(blis) \(CPUBackend.blisArchitecture ?? "")" }
        let backend = ComputeThreads.backend(portable: portable)
        var machine = MachineInfo(host: info.hostName, cores: info.activeProcessorCount,
                                  memoryGiB: Double(info.physicalMemory) / 1_073_741_824,
                                  blas: blas, blasThreads: Int(openblas_get_num_threads()),
                                  gemmKernel: backend.gemmKernel.rawValue, computeWorkers: backend.workerCount,
                                  os: info.operatingSystemVersionString, cpu: cpuModel())
        if backend.gemmKernel == .portable { machine.portableKernel = backend.portableKernel.rawValue }
        return machine
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

/// The code version a run was made with: the package version and git commit embedded in the binary at build time
/// (`BuildInfo`: "0.2.0+abc123def456", "+unknown" when built without git), whatever directory the binary runs in.
/// `$JULE_CODE_VERSION`, when set, replaces it (an explicit pin, e.g. for a binary built from a patched tarball).
public enum CodeVersion {
    public static func current() -> String {
        if let pinned = ProcessInfo.processInfo.environment["JULE_CODE_VERSION"], !pinned.isEmpty { return pinned }
        return BuildInfo.codeVersion
    }
}
