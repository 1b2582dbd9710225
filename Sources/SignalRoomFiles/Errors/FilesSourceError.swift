import SignalRoomCore
import SignalRoomPipelines

/// Why the `files` source cannot read its directory. None of these is cured by retrying.
public enum FilesSourceError: RetryClassifiedError, Equatable {
    case directoryNotFound(path: String, variable: String)
    case notADirectory(path: String)
    case noFiles(path: String)
    /// A file with no rows (a CSV file with only its header line, a JSON Lines file with
    /// only blank lines): an export that should have had rows.
    case noRows(file: String)

    public var isRetryable: Bool { false }

    /// A directory that is missing, not a directory or empty is a setting to fix; a file
    /// without rows is bad data.
    public var failureType: String {
        if case .noRows = self { return "InvalidInput" }
        return "ConfigurationError"
    }

    public var description: String {
        switch self {
        case .directoryNotFound(let path, let variable):
            "files source: directory \(path) does not exist; set \(variable) to the folder that holds the exports"
        case .notADirectory(let path):
            "files source: \(path) is a file, not a directory of exports"
        case .noFiles(let path):
            "files source: \(path) holds no .csv, .jsonl or .ndjson files"
        case .noRows(let file):
            "\(file) has no rows; remove the file or re-export it with its rows"
        }
    }
}

extension FileFormatError: RetryClassifiedError {
    public var isRetryable: Bool {
        if case .readFailed = self { return true }
        return false
    }
}
