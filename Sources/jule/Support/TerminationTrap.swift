import Foundation

/// SIGINT, SIGTERM and SIGHUP run a cleanup (e.g. release a sweep cell's lock) and then end the process by the same
/// signal, so the parent sees how it ended. Work in progress is safe to drop: every file is written atomically and a
/// run resumes from its last checkpoint.
enum TerminationTrap {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(_ cleanup: @escaping () -> Void) {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue.global())
            source.setEventHandler {
                cleanup()
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
