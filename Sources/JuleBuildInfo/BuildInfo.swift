/// What this binary was built from, fixed at build time (`BuildInfoPlugin` writes the commit before each build), so
/// run records name the code that made them wherever the binary runs (a copy for a long sweep, another directory).
public enum BuildInfo {
    /// The package's version (bumped by hand with a release).
    public static let version = "0.2.0"
    /// The git commit the binary was built from ("abc123def456", "…-dirty" with uncommitted changes to tracked
    /// files), or "unknown" when built without git or outside a checkout.
    public static let commit = generatedCommit
    /// "0.2.0+abc123def456": what records store as their code version.
    public static var codeVersion: String { "\(version)+\(commit)" }
}
