import SignalRoomCore

extension EnvironmentVariable {
    public static let filesSourceDirectory = EnvironmentVariable(
        "FILES_SOURCE_DIR", group: .source("files"), required: true, help: "the directory holding the exports")
    public static let filesDataset = EnvironmentVariable("FILES_DATASET", group: .source("files"), default: "files", help: "dataset (schema) name")
}

/// The variables the `files` source is configured from, in the order they are listed.
public enum FilesVariables {
    public static let all: [EnvironmentVariable] = [.filesSourceDirectory, .filesDataset]
}
