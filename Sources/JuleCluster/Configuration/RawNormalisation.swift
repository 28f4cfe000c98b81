/// Row normalisation of raw-pixel features (§1.2, port decision §12 #14).
public enum RawNormalisation: String, Codable, Sendable, CaseIterable {
    /// Torch `renorm(p=2, dim=1, maxnorm=1)`: rows with ‖x‖ > 1 become x/(‖x‖ + 1e-7); others stay.
    case torchRenorm
    /// Caffe: every row becomes x/(‖x‖ + 1e-8).
    case l2
}
