import Dispatch
import Foundation

/// Runs `body(i)` for i in 0..<count on all cores (decoding work is independent per item); rethrows the
/// first error by index order so failures are reported deterministically.
func parallelForEach(_ count: Int, _ body: (Int) throws -> Void) throws {
    guard count > 0 else { return }
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count))
    let lock = NSLock()
    var firstError: (index: Int, error: Error)? = nil
    Niceness.concurrentPerform(iterations: workers) { worker in
        var i = worker
        while i < count {
            do { try body(i) } catch {
                lock.lock()
                if i < (firstError?.index ?? Int.max) { firstError = (i, error) }
                lock.unlock()
                return
            }
            i += workers
        }
    }
    if let firstError { throw firstError.error }
}
