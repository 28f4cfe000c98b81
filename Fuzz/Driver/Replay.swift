#if !JULE_LIBFUZZER
import Foundation
import JuleFuzzTargets

/// `jule-fuzz` without libFuzzer: lists the targets, writes the seed corpora and dictionaries, and replays inputs
/// through a target (a crash reproduces in an ordinary build; a clean refusal prints its one-line error).
@main
struct JuleFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        FuzzTargets.prepare()
        switch arguments.first {
        case "list":
            for target in FuzzTargets.all {
                print("\(target.name.padding(toLength: 11, withPad: " ", startingAt: 0)) max \(target.maxLength) B  \(target.summary)")
            }
        case "seeds" where arguments.count == 2:
            let directory = URL(fileURLWithPath: arguments[1])
            do {
                let counts = try FuzzSeeds.write(to: directory)
                for target in FuzzTargets.all {
                    let dictionary = directory.appendingPathComponent("\(target.name).dict")
                    let text = target.dictionary.map { "\"\($0)\"" }.joined(separator: "\n") + "\n"
                    try Data(text.utf8).write(to: dictionary)
                }
                print("\(directory.path): \(counts.values.reduce(0, +)) seed files for \(counts.count) targets")
            } catch {
                FileHandle.standardError.write(Data("error: seeds: \(error)\n".utf8))
                exit(1)
            }
        case "check" where arguments.count >= 3:
            // Strict: every file must be accepted by the target (the fault-injection driver's "it parses").
            guard let target = FuzzTargets.named(arguments[1]) else { exit(2) }
            FuzzCheck.recordRefusals = true
            var failed = false
            for path in arguments.dropFirst(2) {
                FuzzCheck.refusals = []
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): unreadable"); failed = true; continue
                }
                target.run(data)
                if let refusal = FuzzCheck.refusals.first { print("\(path): REFUSED: \(refusal)"); failed = true }
            }
            exit(failed ? 1 : 0)
        case "check-h5" where arguments.count >= 2:
            // Any HDF5 output (centroids.h5, embeddings.h5): opens and reads every dataset of the root group.
            var failed = false
            for path in arguments.dropFirst() {
                do { try HDF5Check.readAll(URL(fileURLWithPath: path)) } catch { print("\(path): REFUSED: \(error)"); failed = true }
            }
            exit(failed ? 1 : 0)
        case "same-record" where arguments.count == 3:
            // Two record.json files equal but for what differs between identical runs (clock times, memory, resumed).
            do {
                let a = try RecordComparison.stable(URL(fileURLWithPath: arguments[1]))
                let b = try RecordComparison.stable(URL(fileURLWithPath: arguments[2]))
                if a != b { print("records differ: \(arguments[1]) \(arguments[2])"); exit(1) }
            } catch {
                print("error: \(error)"); exit(1)
            }
        case "max-length" where arguments.count == 2:
            guard let target = FuzzTargets.named(arguments[1]) else { exit(2) }
            print(target.maxLength)
        case "replay" where arguments.count >= 3:
            guard let target = FuzzTargets.named(arguments[1]) else {
                FileHandle.standardError.write(Data("error: no target '\(arguments[1])'\n".utf8))
                exit(2)
            }
            for path in arguments.dropFirst(2) {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                let files = isDirectory.boolValue
                    ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                    : [path]
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    target.run(data)
                    print("\(file): ok (\(data.count) bytes)")
                }
            }
        default:
            print("""
            usage: jule-fuzz list | seeds DIR | max-length TARGET | replay TARGET FILE|DIR… | check TARGET FILE…
                   | check-h5 FILE… | same-record A.json B.json
            Fuzzing itself runs the libFuzzer build of this executable: make fuzz (Fuzz/run.sh).
            """)
            exit(arguments.isEmpty ? 0 : 2)
        }
    }
}
#endif
