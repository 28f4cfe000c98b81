import Foundation

/// A record.json edited by hand: the run id and `configurationHash` were computed from `configuration` when the run
/// finished, and `seed` copied from it, so a record whose parts disagree describes no run that was made. `jule check`
/// refuses one (a re-run would reproduce the edited settings, not the run); `jule report` lists it with a warning.
extension RunRecord {
    /// What disagrees, as "record.json was edited: …", or nil when the configuration hashes to `configurationHash`
    /// and `seed` is the configuration's seed.
    public func editedReason() throws -> String? {
        let hash = try configuration.hash()
        if hash != configurationHash {
            return "record.json was edited: its configuration hashes to \(hash), not the recorded \(configurationHash)"
        }
        if seed != configuration.seed {
            return "record.json was edited: seed \(seed), but its configuration's seed is \(configuration.seed)"
        }
        return nil
    }
}
