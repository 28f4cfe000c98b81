import Foundation
import JuleCluster
import JuleData
import JuleHarness

/// Renders run events on stderr. On a terminal: a progress bar with the time left, redrawn every epoch and every
/// second. Otherwise (a log file, `nohup`, a sweep cell): one line per clustering call, and a status line whenever
/// nothing was written for `heartbeat` seconds (default 20, `$JULE_PROGRESS_SECONDS`), so a log never goes quiet
/// for more than half a minute. stderr is unbuffered: every line is out when written.
final class ProgressPrinter: @unchecked Sendable {
    let quiet: Bool
    let terminal: Bool
    private let lock = NSLock()
    private var startedAt = Date()
    private var lastOutput = Date()
    /// After a resume the wall clock counts from the resume, and the line says so.
    private var totalLabel = "total"
    private var schedule: RunSchedule?
    private var estimate = TimeLeftEstimate()
    /// The bar's share, kept from going back when the estimate of the work left grows.
    private var share = ProgressShare()
    private var dataset = ""
    private var phase = "starting"
    private var timer: DispatchSourceTimer?

    init(quiet: Bool, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.quiet = quiet
        self.terminal = terminal
        guard !quiet else { return }
        let configured = ProcessInfo.processInfo.environment["JULE_PROGRESS_SECONDS"].flatMap(Double.init)
        let interval = terminal ? 1 : max(0.2, min(configured ?? 20, 30))
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.tick(interval: interval) }
        timer.resume()
        self.timer = timer
    }

    deinit { timer?.cancel() }

    func handle(_ event: RunEvent) {
        guard !quiet else {
            // --quiet hides progress, not what the user must know (a run kept instead of redone, a warning).
            if case let .notice(text) = event { Self.write(text + "\n") }
            return
        }
        lock.lock()
        defer { lock.unlock() }
        estimate.observe(event)
        switch event {
        case let .started(name, images, target, resumed):
            startedAt = Date()
            share = ProgressShare()
            dataset = name
            totalLabel = resumed == nil ? "total" : "since resuming"
            phase = resumed == nil ? "initial clusters" : "resuming"
            emit("\(name): \(images) images → \(target) clusters" + (resumed.map { ", resuming after period \($0)" } ?? ""))
        case let .schedule(s):
            schedule = s
        case let .note(text), let .notice(text):
            emit(text)
        case let .epoch(p, epoch, loss, triplets, _):
            phase = String(format: "period %d, epoch %d, loss %.4f, %d triplets", p, epoch, loss, triplets)
            if terminal { drawBar() }
        case let .clustered(p):
            phase = schedule?.phase(after: p) ?? (p.phase == "RC" ? "JULE-RC clustering" : "training period \(p.period + 1)")
            let loss = p.loss.map { String(format: "  loss %.4f", $0) } ?? ""
            let scores = schedule?.labelled == false ? ""
                : "  NMI \(ScoreText.fixed(p.scores.nmi, decimals: 4))  ACC \(ScoreText.fixed(p.scores.acc, decimals: 4))"
            // §3.5: a period whose clusters no longer reach each other through the k-NN graph stops early and the
            // next one searches twice as many neighbours; said here, or a period that merged nothing looks stalled.
            let stopped = p.stoppedOnZeroAffinity == true
                ? "  [no positive affinity left after \(p.merges) merges: K_s → \(p.neighbourCount) for the next call]" : ""
            emit(String(format: "%@ %2d: %5d clusters%@  epochs %d%@  (%.1f s, %.0f s %@)%@",
                        p.phase, p.period, p.scores.clusters, scores, p.epochs, loss, p.seconds,
                        Date().timeIntervalSince(startedAt), totalLabel, stopped))
        case .finished:
            timer?.cancel()
            if terminal { Self.write("\r\u{1B}[K") }
        }
    }

    /// Seconds left (`TimeLeftEstimate`); nil until the first epoch gives a pace.
    func secondsLeft() -> Double? { estimate.secondsLeft }

    private func tick(interval: Double) {
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            if estimate.epochsThisProcess > 0 { drawBar() }
        } else if Date().timeIntervalSince(lastOutput) >= interval * 0.99 {
            var line = "\(dataset): \(phase); \(RunProgress.duration(Date().timeIntervalSince(startedAt))) \(totalLabel)"
            if let left = secondsLeft() { line += ", about \(RunProgress.duration(left)) left" }
            emit(line)
        }
    }

    /// `[██████░░░░░░] 48%  period 3, epoch 41, loss 0.0123, …  2 min left`; the share never goes back
    /// (`ProgressShare`), though the time left can grow when a period merges fewer clusters than estimated.
    private func drawBar() {
        // After "interrupted: …" a redrawn bar would hide that line on a terminal.
        guard !TerminationTrap.ending else { return }
        let elapsed = Date().timeIntervalSince(startedAt)
        var text = "  \(phase)"
        if let left = secondsLeft() {
            let fraction = share.update(elapsed: elapsed, left: left)
            let width = 24, filled = Int((fraction * Double(width)).rounded())
            text = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
                + String(format: "%3.0f%%  ", fraction * 100) + phase + "  about \(RunProgress.duration(left)) left"
        }
        Self.write("\r\u{1B}[K" + text)
    }

    private func emit(_ line: String) {
        if terminal { Self.write("\r\u{1B}[K") }
        Self.write(line + "\n")
        lastOutput = Date()
    }

    /// A reader gone (`2>&1 | head -1`, SIGPIPE trapped) fails the write silently (`StandardError`), and the
    /// command asks (`TerminationTrap.endIfOutputClosed`).
    private static func write(_ text: String) {
        StandardError.write(text)
    }
}
