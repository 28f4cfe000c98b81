/// What a run reports while it works; the CLI renders these as progress or log lines.
public enum RunEvent: Sendable {
    case started(dataset: String, images: Int, target: Int, resumedFromPeriod: Int?)
    case note(String)
    case epoch(period: Int, epoch: Int, loss: Double, triplets: Int, seconds: Double)
    case clustered(PeriodRecord)
    case finished(RunRecord)
}
