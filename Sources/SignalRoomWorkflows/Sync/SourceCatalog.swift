import Foundation
import SignalRoomFiles
import SignalRoomPipelines

/// The sources this build can sync and the configuration each one needs.
public struct SourceCatalog: Sendable {
    public struct Variable: Sendable, Codable {
        public var name: String
        public var required: Bool
        public var purpose: String
        public var isSet: Bool
    }

    public struct Entry: Sendable, Codable {
        public var name: String
        public var dataset: String
        public var description: String
        public var variables: [Variable]
        public var configured: Bool { variables.allSatisfy { !$0.required || $0.isSet } }
    }

    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public static let names = ["files"]

    private func variable(_ name: String, required: Bool, _ purpose: String) -> Variable {
        Variable(name: name, required: required, purpose: purpose, isSet: !(environment[name] ?? "").isEmpty)
    }

    public var entries: [Entry] {
        [
            Entry(name: "files", dataset: environment["FILES_DATASET"] ?? "files",
                  description: "CSV and JSON Lines exports in a local directory: one table per sub-directory or file-name prefix, merged on (_file_name, _row_id), incremental on the file date",
                  variables: [
                      variable("FILES_SOURCE_DIR", required: true, "the directory holding the exports"),
                      variable("FILES_DATASET", required: false, "dataset (schema) name, default files"),
                      variable("SIGNALROOM_CLIENT_ID", required: false, "value of every row's _client_id, default default"),
                  ]),
        ]
    }

    /// The source, configured from the environment; a missing variable is a
    /// configuration error naming it.
    public func source(named name: String) throws -> any Source {
        switch name {
        case "files":
            guard let directory = environment["FILES_SOURCE_DIR"], !directory.isEmpty else {
                throw SourceConfigurationError.missingVariable(source: name, variable: "FILES_SOURCE_DIR",
                                                              purpose: "the directory holding the exports")
            }
            return FilesSource(name: name, dataset: environment["FILES_DATASET"] ?? "files",
                               directory: URL(fileURLWithPath: directory).standardizedFileURL,
                               clientId: environment["SIGNALROOM_CLIENT_ID"] ?? "default")
        default:
            throw SourceConfigurationError.unknownSource(name: name, known: Self.names)
        }
    }
}

public enum SourceConfigurationError: RetryClassifiedError, Equatable {
    case unknownSource(name: String, known: [String])
    case missingVariable(source: String, variable: String, purpose: String)

    public var isRetryable: Bool { false }
    public var failureType: String { "ConfigurationError" }

    public var description: String {
        switch self {
        case .unknownSource(let name, let known):
            "unknown source \"\(name)\"; sources: \(known.joined(separator: ", ")) (`signalroom sources` lists them)"
        case .missingVariable(let source, let variable, let purpose):
            "source \(source) needs \(variable) (\(purpose)); set it in the environment or in .env"
        }
    }
}
