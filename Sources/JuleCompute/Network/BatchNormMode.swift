/// How batch normalisation behaves in a forward pass (§2).
///
/// - `train`: normalise each batch with its own mean and biased variance, and move the running averages
///   (`r ← 0.9·r + 0.1·batch`, the variance term unbiased as Torch and PyTorch do).
/// - `eval`: normalise with the running averages; nothing changes.
public enum BatchNormMode: String, Codable, Sendable, CaseIterable {
    case train
    case eval
}
