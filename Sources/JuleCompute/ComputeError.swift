import JuleData

/// Errors of the compute layer; each description is one line naming the file or value.
public enum ComputeError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(field: String, value: String)
    case checkpointUnreadable(path: String, reason: String)
    case checkpointWriteFailed(path: String, reason: String)

    /// One line: text quoted from an input (a JSON key, a file's line) is escaped (`MessageText.oneLine`).
    public var description: String { MessageText.oneLine(text) }

    private var text: String {
        switch self {
        case let .invalidConfiguration(field, value):
            return "training configuration: \(field) = \(value) is out of range"
        case let .checkpointUnreadable(path, reason):
            return "\(path): not a usable JULE checkpoint: \(reason)"
        case let .checkpointWriteFailed(path, reason):
            return "\(path): cannot write checkpoint: \(reason)"
        }
    }
}
