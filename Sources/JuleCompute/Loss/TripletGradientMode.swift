/// Which gradient the triplet loss back-propagates (§4.4, §12 #1).
public enum TripletGradientMode: String, Codable, Sendable, CaseIterable {
    /// The true gradient of the loss.
    case correct
    /// Torch `TripletEmbedding.lua`'s in-place `mul` bug: correct anchor gradient, positive
    /// `(γp − (γ−1)a)·γ·2/N_t`, negative `((γ−1)a − n)·2/N_t`. At γ = 1 only the anchors learn.
    case torchAnchorOnly
}
