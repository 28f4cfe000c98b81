// bench-cnn: median time of one JULE training step (forward, weighted triplet loss, backward, SGD update;
// batch 100, 4,050 triplets) for the MNIST and COIL-20 networks, in Swift and, in the same run, in PyTorch on
// the CPU (bench/torch_step.py under /usr/bin/python3, 2 threads); achieved GFLOP/s against the sgemm peak of
// this machine measured in the same run; the same step in portable mode (`compute.portable`: the package's own GEMM,
// bit-identical on every x86-64) against the machine's fastest kernel, steps interleaved in the same run; peak
// resident memory of one COIL-20 training epoch (child process).
//
//     swift build -c release --product bench-cnn && .build/release/bench-cnn [--quick] [--no-torch] [--no-epoch] [--only MNIST|COIL-20]
//                                                                        [--no-portable]
import COpenBLAS
import Dispatch
import Foundation
import JuleCompute
import JuleData

let arguments = CommandLine.arguments
let usage = """
    usage: bench-cnn [--quick] [--no-torch] [--no-epoch] [--no-portable] [--no-algorithms] [--only MNIST|COIL-20]
                     [--convolution ALGORITHM]
           bench-cnn --gemm | --coil-epoch [--convolution ALGORITHM] | --step KERNEL [--only NET] [--steps N]
    """
// Every flag is checked before minutes of benchmarking: a typo (or --help) used to run the whole benchmark.
do {
    let flags: Set<String> = ["--quick", "--no-torch", "--no-epoch", "--no-portable", "--no-algorithms", "--gemm", "--coil-epoch"]
    let valued: Set<String> = ["--only", "--convolution", "--step", "--steps"]
    var index = 1
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--help" || argument == "-h" { print(usage); exit(0) }
        if valued.contains(argument) {
            guard index + 1 < arguments.count else { FileHandle.standardError.write(Data("bench-cnn: \(argument) needs a value\n\(usage)\n".utf8)); exit(64) }
            index += 2
        } else if flags.contains(argument) {
            index += 1
        } else {
            FileHandle.standardError.write(Data("bench-cnn: unknown argument '\(argument)'\n\(usage)\n".utf8))
            exit(64)
        }
    }
}
let quick = arguments.contains("--quick")
setvbuf(stdout, nil, _IOLBF, 0)

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// 100 synthetic images (pixel/255 of uniform bytes), labels i mod 10: 10 groups of 10, 9 negatives each.
func batch(_ spec: NetworkSpec) -> (images: [Float], labels: [Int]) {
    var rng = SeededGenerator(seed: 42)
    let images = (0..<(100 * spec.inputSize)).map { _ in Float(rng.next() >> 56) / 255 }
    return (images, (0..<100).map { $0 % 10 })
}

/// Multiply–add count of one step: forward, weight and input gradients of every convolution (no input
/// gradient for the first), and the three products of the linear layer. Element-wise work is not counted.
func stepFlops(_ spec: NetworkSpec, batch n: Int) -> Double {
    var total = 0.0
    for (index, block) in spec.blocks.enumerated() {
        let s = spec.shape(beforeBlock: index)
        let k = Double(s.channels * block.kernel * block.kernel)
        let p = Double(block.convolutionOutput(s.height) * block.convolutionOutput(s.width))
        let one = 2 * Double(block.filters) * k * p * Double(n)
        total += one * (index == 0 ? 2 : 3)
    }
    total += 3 * 2 * Double(n) * Double(spec.flattenSize) * Double(spec.embeddingDimension)
    return total
}

/// sgemm peak: two Dispatch workers, each running single-threaded 1024³ products with `kernel`, best of 5 rounds.
func sgemmPeak(_ kernel: CPUBackend.GemmKernel) -> Double {
    let backend = CPUBackend(workers: 1, gemmKernel: kernel)
    let size = 1024
    let a = [Float](repeating: 0.5, count: size * size), b = [Float](repeating: 0.25, count: size * size)
    var best = 0.0
    for _ in 0..<5 {
        let start = now()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var c = [Float](repeating: 0, count: size * size)
            for _ in 0..<4 {
                backend.gemm(transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1, a: a, lda: size,
                             b: b, ldb: size, beta: 0, c: &c, ldc: size)
            }
        }
        best = max(best, 2 * 4 * 2 * pow(Double(size), 3) / (now() - start))
    }
    return best
}

struct Timing { let median: Double; let minimum: Double; let steps: Int; var cpuMedian: Double? = nil }

/// User + system CPU seconds of this process (all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// The convolution algorithm of the Swift steps: `--convolution im2col|winograd|winograd4x4`, else the engine's default.
let convolution: ConvolutionAlgorithm = arguments.firstIndex(of: "--convolution")
    .flatMap { $0 + 1 < arguments.count ? ConvolutionAlgorithm(rawValue: arguments[$0 + 1]) : nil } ?? .defaultChoice

func swiftStep(_ name: String, steps: Int) -> Timing { swiftSteps(name, steps: steps, backends: [CPUBackend()])[0] }

/// One trainer per backend (and convolution algorithm, default `convolution`), stepped in turn (A, B, A, B, …) so
/// that all see the same load; a timing per trainer.
func swiftSteps(_ name: String, steps: Int, backends: [CPUBackend], algorithms: [ConvolutionAlgorithm]? = nil) -> [Timing] {
    guard let spec = NetworkSpec.preset(name) else { fatalError("unknown preset \(name)") }
    let trainers = backends.enumerated().map { index, backend in
        let network = Network(spec: spec, seed: 1, backend: backend)
        network.convolutionAlgorithm = algorithms?[index] ?? convolution
        return Trainer(network: network, seed: 1)
    }
    let (images, labels) = batch(spec)
    var times = [[Double]](repeating: [], count: backends.count), cpu = times
    for step in 0..<(steps + 2) {
        for (index, trainer) in trainers.enumerated() {
            let start = now(), startCPU = cpuSeconds()
            let result = trainer.trainStep(images: images, labels: labels)
            let elapsed = now() - start, elapsedCPU = cpuSeconds() - startCPU
            precondition(result.triplets == 4050, "expected 4050 triplets, got \(result.triplets)")
            if step >= 2 { times[index].append(elapsed); cpu[index].append(elapsedCPU) }
        }
    }
    return zip(times, cpu).map { Timing(median: median($0), minimum: $0.min() ?? 0, steps: $0.count, cpuMedian: median($1)) }
}

func torchStep(_ name: String, steps: Int) -> (Timing, String) {
    // bench/torch_step.py from the repository root (bench/run.sh runs there), else beside this source file.
    var script = URL(fileURLWithPath: "bench/torch_step.py")
    if !FileManager.default.fileExists(atPath: script.path) {
        script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("torch_step.py")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [script.path, "--net", name, "--steps", "\(steps)", "--threads", "2"]
    let pipe = Pipe()
    process.standardOutput = pipe
    // The peer is required (bench/run.sh installs it): without it there is no ratio, so the benchmark fails loudly.
    do { try process.run() } catch { print("  PyTorch: cannot start /usr/bin/python3: \(error) (--no-torch skips the peer)"); exit(1) }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
          let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let med = json["median_s"] as? Double, let minimum = json["min_s"] as? Double,
          let cpuMedian = json["cpu_median_s"] as? Double else {
        print("  PyTorch run failed with status \(process.terminationStatus) (is python3-torch installed? apt-get install -y python3-torch; --no-torch skips the peer)")
        exit(1)
    }
    let version = "torch \(json["torch"] ?? "?"), mkldnn \(json["mkldnn"] ?? "?"), triplets \(json["triplets"] ?? "?")"
    return (Timing(median: med, minimum: minimum, steps: steps, cpuMedian: cpuMedian), version)
}

/// Child mode: one COIL-20-sized epoch (1,440 synthetic 1×128×128 images, 20 labels), then VmHWM.
func coilEpochChild() {
    guard let spec = NetworkSpec.preset("COIL-20") else { return }
    let count = 1440
    var rng = SeededGenerator(seed: 9)
    let images = (0..<(count * spec.inputSize)).map { _ in Float(rng.next() >> 56) / 255 }
    let labels = (0..<count).map { $0 / 72 }
    let network = Network(spec: spec, seed: 1)
    network.convolutionAlgorithm = convolution
    let trainer = Trainer(network: network, seed: 1)
    let start = now()
    let stats = trainer.trainEpoch(images: images, count: count, labels: labels)
    let elapsed = now() - start
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map(String.init) ?? "VmHWM: ?"
    print("\(hwm.replacingOccurrences(of: "\t", with: " ")) | epoch \(String(format: "%.1f", elapsed)) s, "
          + "\(stats.batches) batches, \(stats.triplets) triplets, mean loss \(String(format: "%.4f", stats.meanLoss))")
}

/// `--gemm`: single-thread GFLOP/s of OpenBLAS, the SIMD kernel and BLIS (where it loads) on the COIL-20 block-2
/// shapes, the MNIST block-1 shape and 1024³.
if arguments.contains("--gemm") {
    openblas_set_num_threads(1)
    let kernels: [CPUBackend.GemmKernel] = [.openBLAS, .simd] + (CPUBackend.blisAvailable ? [.blis] : []) + [.portable]
    for (ta, tb, m, n, k) in [(false, false, 50, 3364, 1250), (false, true, 50, 1250, 3364), (true, false, 1250, 3364, 50),
                              (false, false, 50, 15376, 25), (false, false, 1024, 1024, 1024)] {
        var rng = SeededGenerator(seed: 1)
        let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }, b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
        var results: [[Float]] = []
        for kernel in kernels {
            let backend = CPUBackend(workers: 1, gemmKernel: kernel)
            var c = [Float](repeating: 0, count: m * n)
            var best = 1e9
            for _ in 0..<5 {
                let start = now()
                backend.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, a: a, lda: ta ? m : k,
                             b: b, ldb: tb ? k : n, beta: 0, c: &c, ldc: n)
                best = min(best, now() - start)
            }
            results.append(c)
            print(String(format: "%@ %d×%d×%d %@: %.1f GFLOP/s", ta ? "T" : "N", m, n, k, backend.kernelDescription,
                         2 * Double(m * n * k) / best / 1e9))
        }
        for (kernel, other) in zip(kernels.dropFirst(), results.dropFirst()) {
            print("  max |diff| \(kernel.rawValue) vs openBLAS: \(zip(results[0], other).map { abs($0 - $1) }.max() ?? 0)")
        }
    }
    exit(0)
}

/// `--step KERNEL [--only NET] [--steps N]`: five (N) training steps of one net (MNIST by default) with one kernel on one worker and
/// nothing else, for instruction counts that do not depend on the load:
///
///     valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*7TrainerC9trainStep*' \
///         .build/release/bench-cnn --step portable
///
/// (valgrind reports no AVX-512, so OpenBLAS, BLIS and the portable kernel all run their AVX2 code there.)
if let index = arguments.firstIndex(of: "--step"), index + 1 < arguments.count {
    guard let kernel = CPUBackend.GemmKernel(rawValue: arguments[index + 1]) else {
        print("--step: one of openBLAS, simd, blis, portable"); exit(2)
    }
    let name = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } ?? "MNIST"
    guard let spec = NetworkSpec.preset(name), kernel != .blis || CPUBackend.blisAvailable else { exit(2) }
    let backend = CPUBackend(workers: 1, gemmKernel: kernel)
    let network = Network(spec: spec, seed: 1, backend: backend)
    network.convolutionAlgorithm = convolution
    let trainer = Trainer(network: network, seed: 1)
    let (images, labels) = batch(spec)
    let count = arguments.firstIndex(of: "--steps").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? 5
    for _ in 0..<count { _ = trainer.trainStep(images: images, labels: labels) }
    print("\(name): \(count) steps, \(backend.kernelDescription), 1 worker")
    exit(0)
}

if arguments.contains("--coil-epoch") {
    coilEpochChild()
    exit(0)
}

print("bench-cnn: one training step = forward + weighted triplet loss + backward + SGD, batch 100, 4050 triplets")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; load average at start: "
      + ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"))
let blisLine = CPUBackend.blisVersion.map { "\($0), config \(CPUBackend.blisArchitecture ?? "?")" } ?? "not available"
print("OpenBLAS core: \(CPUBackend.openBLASCore); BLIS: \(blisLine); "
      + "JuleCompute GEMM kernel: \(CPUBackend.automaticKernel.rawValue); "
      + "OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
do {  // The OpenBLAS kernel in use against SIMDGemm on a convolution-like shape (guards forced core types).
    var rng = SeededGenerator(seed: 3)
    let (m, n, k) = (50, 700, 1250)
    let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }, b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
    var c1 = [Float](repeating: 0, count: m * n), c2 = c1
    CPUBackend(workers: 1, gemmKernel: .openBLAS).gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                                       a: a, lda: k, b: b, ldb: n, beta: 0, c: &c1, ldc: n)
    CPUBackend(workers: 1, gemmKernel: .simd).gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                                   a: a, lda: k, b: b, ldb: n, beta: 0, c: &c2, ldc: n)
    print("OpenBLAS vs SIMDGemm check (50x700x1250): max |diff| \(zip(c1, c2).map { abs($0 - $1) }.max() ?? 0)")
}
let blasPeak = sgemmPeak(.openBLAS), simdPeak = sgemmPeak(.simd)
let blisPeak = CPUBackend.blisAvailable ? sgemmPeak(.blis) : 0
let portablePeak = sgemmPeak(.portable)
let peak = max(blasPeak, simdPeak, blisPeak, portablePeak)
print(String(format: "sgemm peak, 2 workers x 1 thread, 1024^3: OpenBLAS %.1f GFLOP/s, SIMDGemm %.1f GFLOP/s, "
             + "BLIS %@, portable (%@) %.1f GFLOP/s (percentages below use the largest)", blasPeak / 1e9, simdPeak / 1e9,
             CPUBackend.blisAvailable ? String(format: "%.1f GFLOP/s", blisPeak / 1e9) : "n/a",
             CPUBackend(workers: 1, gemmKernel: .portable).portableKernel.rawValue, portablePeak / 1e9))

let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
for (name, steps) in [("MNIST", quick ? 10 : 40), ("COIL-20", quick ? 3 : 9)] where only == nil || only == name {
    guard let spec = NetworkSpec.preset(name) else { continue }
    let flops = stepFlops(spec, batch: 100)
    let swift = swiftStep(name, steps: steps)
    print(String(format: "%@ (%dx%dx%d, F=%d): %.2f GFLOP per step", name, spec.inputChannels, spec.inputHeight,
                 spec.inputWidth, spec.flattenSize, flops / 1e9))
    print(String(format: "  Swift   median %8.2f ms (min %.2f, %d steps, CPU %.2f ms)  %6.1f GFLOP/s = %4.1f%% of sgemm peak",
                 swift.median * 1e3, swift.minimum * 1e3, swift.steps, (swift.cpuMedian ?? 0) * 1e3,
                 flops / swift.median / 1e9, 100 * flops / swift.median / peak))
    if !arguments.contains("--no-torch") {
        let (torch, version) = torchStep(name, steps: steps)
        print(String(format: "  PyTorch median %8.2f ms (min %.2f, %d steps, CPU %.2f ms)  %6.1f GFLOP/s   [%@]",
                     torch.median * 1e3, torch.minimum * 1e3, torch.steps, (torch.cpuMedian ?? 0) * 1e3,
                     flops / torch.median / 1e9, version))
        print(String(format: "  ratio Swift/PyTorch = %.3f wall (issue 18 target <= %@; speed-up %.2fx), %.3f CPU time",
                     swift.median / torch.median, name == "MNIST" ? "0.45" : "0.40", torch.median / swift.median,
                     (swift.cpuMedian ?? 0) / max(torch.cpuMedian ?? 1, 1e-9)))
    }
    if !arguments.contains("--no-algorithms") {
        // The convolution algorithms with the automatic kernel, steps interleaved in one run.
        let backend = CPUBackend(), algorithms = ConvolutionAlgorithm.allCases
        let timings = swiftSteps(name, steps: steps, backends: algorithms.map { _ in backend }, algorithms: algorithms)
        for (algorithm, timing) in zip(algorithms, timings) {
            print(String(format: "  %@ median %8.2f ms (min %.2f, %d steps, CPU %.2f ms)  %6.1f GFLOP/s (im2col FLOPs)",
                         algorithm.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0),
                         timing.median * 1e3, timing.minimum * 1e3, timing.steps, (timing.cpuMedian ?? 0) * 1e3,
                         flops / timing.median / 1e9))
        }
        for (algorithm, timing) in zip(algorithms, timings) where algorithm.isWinograd {
            print(String(format: "  ratio %@/im2col = %.3f wall, %.3f CPU time (%@)", algorithm.rawValue,
                         timing.median / timings[0].median,
                         (timing.cpuMedian ?? 0) / max(timings[0].cpuMedian ?? 1, 1e-9), backend.kernelDescription))
        }
    }
    if !arguments.contains("--no-portable") {
        // Portable mode against the machine's fastest (automatic) kernel, steps interleaved in one run.
        let fastest = CPUBackend(), portable = CPUBackend(gemmKernel: .portable)
        let pair = swiftSteps(name, steps: steps, backends: [fastest, portable])
        for (label, timing) in [(fastest.kernelDescription, pair[0]), (portable.kernelDescription, pair[1])] {
            print(String(format: "  %@ median %8.2f ms (min %.2f, %d steps, CPU %.2f ms)  %6.1f GFLOP/s",
                         label.padding(toLength: 16, withPad: " ", startingAt: 0),
                         timing.median * 1e3, timing.minimum * 1e3, timing.steps, (timing.cpuMedian ?? 0) * 1e3,
                         flops / timing.median / 1e9))
        }
        print(String(format: "  ratio portable/%@ = %.3f wall, %.3f CPU time (target <= 1.25)", fastest.kernelDescription,
                     pair[1].median / pair[0].median, (pair[1].cpuMedian ?? 0) / max(pair[0].cpuMedian ?? 1, 1e-9)))
    }
}

if !arguments.contains("--no-epoch") {
let child = Process()
child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
child.arguments = ["--coil-epoch", "--convolution", convolution.rawValue]
let pipe = Pipe()
child.standardOutput = pipe
if (try? child.run()) != nil {
    let out = String(data: pipe.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
    child.waitUntilExit()
    print("COIL-20 training epoch (1440 synthetic 1x128x128 images, batch 100), peak RSS: "
          + out.trimmingCharacters(in: .whitespacesAndNewlines) + " (target <= 1 GiB)")
}
}
print("load average at end: " + ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
    .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"))
