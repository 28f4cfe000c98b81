/// The two SGD momentum forms of §4.5.
public enum MomentumStyle: String, Codable, Sendable, CaseIterable {
    /// Torch `optim.sgd`: first step `v = g`, then `v ← μ·v + (1 − dampening)·g`; `θ ← θ − lr·v`.
    case torch
    /// Caffe: `v ← μ·v + lr·g` (v starts at 0); `θ ← θ − v`. About 10× the effective rate of the dampened form.
    case caffe
}
