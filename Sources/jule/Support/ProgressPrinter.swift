import Foundation
import JuleHarness

/// Renders run events: a live status line on a terminal, one plain line per period otherwise.
final class ProgressPrinter {
    let quiet: Bool
    let terminal = isatty(STDERR_FILENO) == 1
    private var startedAt = Date()
    /// After a resume the wall clock counts from the resume, and the line says so.
    private var totalLabel = "total"

    init(quiet: Bool) { self.quiet = quiet }

    func handle(_ event: RunEvent) {
        guard !quiet else { return }
        switch event {
        case let .started(dataset, images, target, resumed):
            startedAt = Date()
            totalLabel = resumed == nil ? "total" : "since resuming"
            emit("\(dataset): \(images) images → \(target) clusters" + (resumed.map { ", resuming after period \($0)" } ?? ""))
        case let .note(text):
            emit(text)
        case let .epoch(period, epoch, loss, triplets, seconds):
            if terminal {
                let line = String(format: "\r  period %d  epoch %d  loss %.4f  triplets %d  %.1f s/epoch", period, epoch, loss, triplets, seconds)
                FileHandle.standardError.write(Data(line.utf8))
            }
        case let .clustered(p):
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let loss = p.loss.map { String(format: "  loss %.4f", $0) } ?? ""
            emit(String(format: "%@ %2d: %5d clusters  NMI %.4f  ACC %.4f  epochs %d%@  (%.1f s, %.0f s %@)",
                        p.phase, p.period, p.scores.clusters, p.scores.nmi, p.scores.acc, p.epochs, loss, p.seconds,
                        Date().timeIntervalSince(startedAt), totalLabel))
        case .finished:
            break
        }
    }

    private func emit(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
