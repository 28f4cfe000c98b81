import ArgumentParser
import JuleCompute
import JuleHarness

@main
struct Jule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce JULE (Yang, Parikh, Batra, CVPR 2016): joint unsupervised learning of deep representations and image clusters.",
        subcommands: [
            DataCommand.self,
            Train.self,
            Embed.self,
            Sweep.self,
            Report.self,
            Diff.self,
            Version.self,
            Cluster.self,
            Eval.self,
            Show.self,
        ])
}

extension Jule {
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the tool's version, the processor and the GEMM kernel runs will use (as run records note them).")
        func run() {
            print("jule-swift 0.1.0")
            let machine = MachineInfo.current()
            print("processor: \(machine.cpu ?? "unknown"), \(machine.cores) cores")
            print("GEMM kernel: \(machine.kernelSummary) (\(machine.blas))")
            if let problem = CPUBackend.blisProblem { print("BLIS unused: \(problem)") }
        }
    }
}
