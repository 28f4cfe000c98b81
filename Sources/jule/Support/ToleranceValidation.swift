import ArgumentParser

/// `--tolerance` of `jule report` and `jule diff`: an allowed difference between two scores in [0, 1]. At 1 or
/// more every verdict would be "reproduced", and NaN would compare false both ways, so both are refused.
enum ToleranceValidation {
    static func validate(_ tolerance: Double) throws {
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else {
            throw ValidationError("--tolerance \(tolerance): must be a finite number in [0, 1) (a score difference, e.g. 0.01)")
        }
    }
}
