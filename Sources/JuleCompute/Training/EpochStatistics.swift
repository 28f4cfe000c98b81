/// Summary of one training epoch.
public struct EpochStatistics: Sendable {
    /// Mean triplet loss over all triplets of the epoch (Σ_batches L_b·N_t,b / Σ N_t,b; 0 without triplets).
    public let meanLoss: Double
    /// Triplets over all batches.
    public let triplets: Int
    /// Batches (optimiser iterations counted, stepped or skipped).
    public let batches: Int
}

/// Summary of one training step (one batch).
public struct StepStatistics: Sendable {
    /// L of the batch (mean over its triplets; 0 without triplets).
    public let loss: Double
    public let triplets: Int
    /// Learning rate used by this step.
    public let learningRate: Double
}
