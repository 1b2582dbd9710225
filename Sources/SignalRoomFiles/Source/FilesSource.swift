import Foundation
import SignalRoomCore
import SignalRoomPipelines

/// CSV and JSON Lines exports in a local directory: one resource (and table) per
/// sub-directory, and one per file-name prefix for files at the top level.
///
/// Rows get `_file_name`, `_row_id` (0-based record within the file), `_file_date` and
/// `_client_id`, and merge on (`_file_name`, `_row_id`), so a file read twice changes
/// nothing. Files dated on or after the cursor (the last loaded file date) are read;
/// files without a date in their name are read every time.
public struct FilesSource: Source {
    public let name: String
    public let dataset: String
    public let directory: URL
    public let clientId: String
    /// The environment variable that named the directory, for error messages.
    public let directoryVariable: String

    public init(
        name: String = "files", dataset: String = "files", directory: URL, clientId: String,
        directoryVariable: String = EnvironmentVariable.filesSourceDirectory.name
    ) {
        self.name = name
        self.dataset = dataset
        self.directory = directory
        self.clientId = clientId
        self.directoryVariable = directoryVariable
    }

    public func resources() async throws -> [any Resource] {
        try groups().map { table, files in
            ExportFilesResource(name: table, table: table, files: files, clientId: clientId)
        }
    }

    /// Files by table, tables sorted by name, files by date then name.
    func groups() throws -> [(String, [ExportFile])] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw FilesSourceError.directoryNotFound(path: directory.path, variable: directoryVariable)
        }
        guard isDirectory.boolValue else { throw FilesSourceError.notADirectory(path: directory.path) }
        var byTable: [String: [ExportFile]] = [:]
        for entry in try contents(of: directory) where !entry.hasPrefix(".") {
            let path = directory.appendingPathComponent(entry).path
            var entryIsDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory)
            if entryIsDirectory.boolValue {
                let table = ColumnName.normalize(entry)
                for file in try contents(of: URL(fileURLWithPath: path)) where !file.hasPrefix(".") {
                    guard let format = ExportFile.format(ofFileNamed: file) else { continue }
                    let filePath = path + "/" + file
                    byTable[table, default: []].append(ExportFile(name: entry + "/" + file, path: filePath, format: format, size: size(of: filePath)))
                }
            } else if let format = ExportFile.format(ofFileNamed: entry) {
                let table = ColumnName.normalize(ExportFile.prefix(ofFileNamed: entry))
                byTable[table, default: []].append(ExportFile(name: entry, path: path, format: format, size: size(of: path)))
            }
        }
        if byTable.isEmpty { throw FilesSourceError.noFiles(path: directory.path) }
        return byTable.keys.sorted().map { table in
            (table, byTable[table]!.sorted { ($0.date ?? "", $0.name) < ($1.date ?? "", $1.name) })
        }
    }

    private func contents(of url: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        } catch {
            throw FileFormatError.cannotOpen(path: url.path, reason: "the directory cannot be listed")
        }
    }

    private func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
