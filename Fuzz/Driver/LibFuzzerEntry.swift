import CHDF5Guard
import CLibFuzzer
import Foundation
import JuleFuzzTargets

// libFuzzer's side of `jule-fuzz`. Built with `-sanitize=fuzzer,address -D JULE_LIBFUZZER` (Fuzz/run.sh), this
// file's `main` hands the process to libFuzzer's driver; in the ordinary build `JuleFuzz.main` (Replay.swift) runs.
//
// SwiftPM links an executable's `main` to the module's entry point (`--defsym main=jule_fuzz_main`), so libFuzzer's
// own `main` is never linked; instead this `main` calls libFuzzer's `LLVMFuzzerRunDriver`. The target is chosen by
// the executable's name (`fuzz-<target>`, a link to `jule-fuzz`) or by JULE_FUZZ_TARGET.

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selected else { return 0 }
    let input = size > 0 && data != nil ? Data(bytes: data!, count: size) : Data()
    target.run(input)
    return 0
}

#if JULE_LIBFUZZER
@main
struct JuleFuzzLibFuzzer {
    static func main() {
        let program = CommandLine.arguments.first ?? ""
        let base = (program as NSString).lastPathComponent
        let name = ProcessInfo.processInfo.environment["JULE_FUZZ_TARGET"]
            ?? (base.hasPrefix("fuzz-") ? String(base.dropFirst(5)) : "")
        guard let target = FuzzTargets.named(name) else {
            let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("jule-fuzz: no target '\(name)'; set JULE_FUZZ_TARGET or run as fuzz-<target> (\(names))\n".utf8))
            exit(2)
        }
        selected = target
        FuzzTargets.prepare()
        // A fault inside libhdf5 should reach AddressSanitizer (stack, artifact), not the guard's clean exit.
        jule_h5guard_disable()
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput))
    }
}
#endif
