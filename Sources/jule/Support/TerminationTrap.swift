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
                // End by the signal on this thread: a kill(2) to the process is pending process-wide, where
                // libdispatch's signalfd reads it again before a thread can take it, and the handler ran over and
                // over (a cleanup that writes a line wrote it several times). raise(3) targets this thread alone,
                // and a Dispatch worker blocks signals, so unblock it first.
                signal(sig, SIG_DFL)
                var only = sigset_t()
                sigemptyset(&only)
                sigaddset(&only, sig)
                pthread_sigmask(SIG_UNBLOCK, &only, nil)
                raise(sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// On a signal, removes the run folder's `lock` (this process holds it), then writes one line on stderr saying
    /// how to resume, when `checkpoint` (a run's checkpoint state) exists by then. The line is formatted now and the
    /// handler only calls unlink(2), access(2) and write(2): async-signal-safe, so it stays correct even in a real
    /// signal handler, and allocates nothing while the process is being stopped.
    static func installResumeHint(checkpoint: URL, runDirectory: String, lock: URL) {
        // On a terminal the progress bar's line is cleared first.
        let clear = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
        let line = Array("\(clear)interrupted: run the same command again to resume from the last completed epoch (\(runDirectory))\n".utf8)
        let path = Array(checkpoint.path.utf8CString)
        let lockPath = Array(lock.path.utf8CString)
        install {
            _ = lockPath.withUnsafeBufferPointer { $0.baseAddress.map { unlink($0) } }
            guard path.withUnsafeBufferPointer({ $0.baseAddress.map { access($0, F_OK) } ?? -1 }) == 0 else { return }
            _ = line.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }
}
