// swift-tools-version:6.0
import PackageDescription

// Release builds target the machine class the project runs on (haswell: AVX2 + FMA) so element-wise loops
// vectorise; GEMM goes through OpenBLAS, which picks its own kernels at run time.
#if arch(x86_64)
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let cpuFlags: [SwiftSetting] = []
#endif
let computeFlags: [SwiftSetting] = cpuFlags + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "jule-swift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "jule", targets: ["jule"]),
        .library(name: "JuleData", targets: ["JuleData"]),
        .library(name: "JuleCompute", targets: ["JuleCompute"]),
        .library(name: "JuleCluster", targets: ["JuleCluster"]),
        .library(name: "JuleHarness", targets: ["JuleHarness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // C libraries from Debian (see README: make installs them).
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // BLIS (libblis-serial-dev), loaded with dlopen by a small C shim so its CBLAS symbols cannot clash with
        // OpenBLAS's; the package still builds and runs (without the BLIS kernel) where it is missing.
        .target(name: "CBLIS", path: "Sources/CBLIS"),
        // The portable GEMM (own C kernels, AVX2 and AVX-512 chosen at run time, bit-identical results): each
        // kernel carries its own target attribute, so the file itself needs no -m flag.
        .target(name: "CPortableGemm", path: "Sources/CPortableGemm"),

        // The version and git commit, embedded at build time (BuildInfoPlugin writes the commit before each build).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), path: "Plugins/BuildInfoPlugin"),
        .target(name: "JuleBuildInfo", plugins: ["BuildInfoPlugin"]),
        // Turns a fault inside libhdf5 on a corrupt file into a one-line error (issue 20, Sources/CHDF5Guard).
        .target(name: "CHDF5Guard", path: "Sources/CHDF5Guard"),
        // PNG reading through libpng's full API, whose errors longjmp: kept inside C (Sources/CPNGRead).
        .target(name: "CPNGRead", path: "Sources/CPNGRead", linkerSettings: [.linkedLibrary("png16")]),

        // Layers: jule → JuleHarness → JuleCluster / JuleCompute → JuleData → C libraries.
        .target(
            name: "JuleData",
            dependencies: ["CHDF5", "CHDF5Guard", "CPNG", "CPNGRead", "CTurboJPEG", "CZlib", "CArchive", "CCrypto"],
            swiftSettings: cpuFlags),
        .target(
            name: "JuleCompute",
            dependencies: ["JuleData", "COpenBLAS", "CBLIS", "CPortableGemm", .product(name: "Numerics", package: "swift-numerics")],
            swiftSettings: computeFlags),
        .target(
            name: "JuleCluster",
            dependencies: [
                "JuleData", "COpenBLAS",
                .product(name: "Numerics", package: "swift-numerics"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: computeFlags),
        .target(
            name: "JuleHarness",
            dependencies: ["JuleData", "JuleCompute", "JuleCluster", "COpenBLAS", "JuleBuildInfo"],
            swiftSettings: cpuFlags),
        .executableTarget(
            name: "jule",
            dependencies: ["JuleData", "JuleCompute", "JuleCluster", "JuleHarness", "JuleBuildInfo",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: cpuFlags),
        // Benchmarks (run by `make bench`, never by the tests).
        .executableTarget(name: "bench-cnn", dependencies: ["JuleCompute"], path: "bench/CNN", exclude: ["README.md"],
                          swiftSettings: computeFlags),
        .executableTarget(name: "bench-cluster", dependencies: ["JuleCluster", "JuleHarness"], path: "bench/Cluster", exclude: ["gdl_reference.py"],
                          swiftSettings: computeFlags),
        .target(name: "_JuleTestSupport", dependencies: ["JuleData", "CArchive", "CZlib"], path: "Sources/_JuleTestSupport"),
        // Fuzzing (`make fuzz`, Fuzz/README.md): one target function per parser, and `jule-fuzz`, which is the
        // libFuzzer binary when built with -sanitize=fuzzer (Fuzz/run.sh) and a replay tool otherwise.
        .target(name: "JuleFuzzTargets",
                dependencies: ["JuleData", "JuleCompute", "JuleCluster", "JuleHarness", "CZlib", "CArchive", "CTurboJPEG",
                               "_JuleTestSupport"],
                path: "Fuzz/Targets"),
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .executableTarget(name: "jule-fuzz", dependencies: ["JuleFuzzTargets", "CLibFuzzer", "CHDF5Guard"], path: "Fuzz/Driver"),

        .testTarget(name: "JuleDataTests", dependencies: ["JuleData", "_JuleTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "JuleComputeTests", dependencies: ["JuleCompute", "_JuleTestSupport"]),
        .testTarget(name: "JuleClusterTests", dependencies: ["JuleCluster", "_JuleTestSupport"]),
        .testTarget(name: "JuleHarnessTests", dependencies: ["JuleHarness", "_JuleTestSupport"]),
        // End to end: the built `jule` binary run as a user would (as swift-argument-parser's own tests do).
        .testTarget(name: "JuleCLITests", dependencies: ["JuleData", "_JuleTestSupport"]),
        .testTarget(name: "JuleFuzzTests", dependencies: ["JuleFuzzTargets", "JuleData", "JuleCompute", "JuleHarness", "CHDF5", "_JuleTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
