import Foundation
import JuleData

/// SIGINT, SIGTERM and SIGHUP run a cleanup (e.g. release a sweep cell's lock) and then end the process by the same
/// signal, so the parent sees how it ended. Work in progress is safe to drop: every file is written atomically and a
/// run resumes from its last checkpoint.
enum TerminationTrap {
    private static let mutex = NSLock()
    nonisolated(unsafe) private static var cleanups: [Int32: [(Int32) -> Void]] = [:]
    /// The write end of the pipe the signal handler wakes the trap's thread with; set before any handler is installed.
    nonisolated(unsafe) private static var wakeDescriptor: Int32 = -1
    /// Folders removed when a signal ends the command, innermost first, if they are empty by then (`pruneOnSignal`).
    nonisolated(unsafe) private static var foldersToPrune: [String] = []
    nonisolated(unsafe) private static var endingNow = false
    /// Whether a signal is ending the command: the progress bar draws no more over the cleanups' last lines.
    static var ending: Bool { mutex.withLock { endingNow } }

    /// `signals` may add SIGPIPE: a closed pipe (`jule check | head`) then ends the command through the cleanup, as a
    /// write to it would have ended it without.
    static func install(signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], _ cleanup: @escaping () -> Void) {
        install(signals: signals) { (_: Int32) in cleanup() }
    }

    /// The same with the signal passed to `cleanup`, for one that hands the work to another thread, which ends the
    /// process by that signal itself (`TemporaryRerun`).
    ///
    /// A real handler, installed at once by signal(2), writes the signal's number to a pipe; the trap's own thread
    /// reads it, runs the cleanups and ends the process. (A Dispatch signal source needed the signal ignored and was
    /// armed a moment after `resume()`, on libdispatch's thread: a SIGTERM in between was lost, and a `jule train
    /// --out` signalled just after taking its lock trained on to the end.)
    static func install(signals: [Int32], _ cleanup: @escaping (Int32) -> Void) {
        mutex.withLock {
            if wakeDescriptor < 0 {
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else { return }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                wakeDescriptor = ends[1]
                let readEnd = ends[0]
                let thread = Thread { waitForSignals(on: readEnd) }
                thread.start()
            }
            for sig in signals {
                cleanups[sig, default: []].append(cleanup)
                // Async-signal-safe: write(2) of one byte; glibc's signal(2) restarts interrupted system calls.
                signal(sig) { caught in
                    var byte = UInt8(truncatingIfNeeded: caught)
                    _ = write(TerminationTrap.wakeDescriptor, &byte, 1)
                }
            }
        }
    }

    /// The trap's thread: for the first signal read from `descriptor`, runs its cleanups and ends the process by it.
    private static func waitForSignals(on descriptor: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return }
            let sig = Int32(byte)
            let run = mutex.withLock { () -> [(Int32) -> Void] in
                endingNow = true
                return cleanups[sig] ?? []
            }
            for cleanup in run { cleanup(sig) }
            end(by: sig)
        }
    }

    /// Ends the process by `sig` now, as its default action would have, after removing the temporary files this
    /// process was writing (`AtomicFile`): every way a signal ends a command passes here.
    static func end(by sig: Int32) {
        AtomicFile.removeInFlightTemporaries()
        RunFolderLock.releaseAllForExit()
        // rmdir(2) removes a folder only while it is empty: whatever a run wrote meanwhile stays.
        for path in mutex.withLock({ foldersToPrune }) { _ = rmdir(path) }
        // End by the signal on this thread: raise(3) targets this thread alone (a kill(2) to the process could be
        // taken by another thread's handler again), and a Dispatch worker blocks signals, so unblock it first.
        signal(sig, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, sig)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(sig)
    }

    /// Ends the process by SIGPIPE, after `cleanup`, when stdout is a pipe whose reader is gone (`jule check | head`),
    /// as a write to it would have without the trap. SIGPIPE is ignored once the trap holds it, and a write that meets
    /// the closed pipe fails silently inside `print`, so the command asks: buffered output is written out, then
    /// poll(2) reports POLLERR on a pipe without readers.
    static func endIfStandardOutputClosed(cleanup: () -> Void = {}) {
        guard standardOutputClosed() else { return }
        cleanup()
        end(by: SIGPIPE)
    }

    /// The same when stdout or stderr is a closed pipe: `jule train … 2>&1 | head -1` writes its progress on stderr.
    static func endIfOutputClosed(cleanup: () -> Void = {}) {
        guard standardOutputClosed() || isClosedPipe(STDERR_FILENO) else { return }
        cleanup()
        end(by: SIGPIPE)
    }

    /// Whether stdout is a pipe without readers, after writing out what is buffered.
    static func standardOutputClosed() -> Bool {
        fflush(stdout)
        return isClosedPipe(STDOUT_FILENO)
    }

    private static func isClosedPipe(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLERR) != 0
    }

    /// A run stopped before its first checkpoint leaves no empty `DIR/checkpoint` or `DIR` it created behind: `folders`
    /// (innermost first) are removed when a signal ends the command, each only if empty after the lock's release.
    static func pruneOnSignal(_ folders: [URL]) {
        mutex.withLock { foldersToPrune = folders.map(\.path) }
    }

    /// On a signal (SIGPIPE too, for a closed pipe), writes one line on stderr saying how to resume, when
    /// `checkpoint` (a run's checkpoint state) exists by then; `end(by:)` then releases the run folder's lock
    /// (`RunFolderLock`). The line is formatted now; the handler calls access(2) and write(2), allocating nothing.
    static func installResumeHint(checkpoint: URL, runDirectory: String) {
        // On a terminal the progress bar's line is cleared first.
        let clear = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
        let line = Array("\(clear)interrupted: run the same command again to resume from the last completed epoch (\(runDirectory))\n".utf8)
        let path = Array(checkpoint.path.utf8CString)
        install(signals: [SIGINT, SIGTERM, SIGHUP, SIGPIPE]) {
            guard path.withUnsafeBufferPointer({ $0.baseAddress.map { access($0, F_OK) } ?? -1 }) == 0 else { return }
            _ = line.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    }
}
