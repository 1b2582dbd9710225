import SignalRoomCore

/// Errors of the loader itself; all about the data, so none is retryable.
public enum PipelineError: RetryClassifiedError, Equatable {
    /// A merge row without a value for a primary-key column.
    case missingPrimaryKey(resource: String, column: String, row: String)
    /// A resource name that the source does not have.
    case unknownResource(source: String, name: String, known: [String])

    public var isRetryable: Bool { false }

    public var description: String {
        switch self {
        case .missingPrimaryKey(let resource, let column, let row):
            "resource \(resource): \(row) has no value for primary-key column \(column); merge needs every key column filled"
        case .unknownResource(let source, let name, let known):
            "source \(source) has no resource \"\(name)\"; it has: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        }
    }
}
