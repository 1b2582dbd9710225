import Foundation

/// One of a project's directories of definitions (`reports/`, `models/`, `seeds/`), read
/// from disk or from the copy this binary carries (`SignalRoomDefaults`), so an installed
/// binary run where there is no checkout still has the shipped reports.
///
/// Paths are relative and use `/`: `daily_ccw/report.json`.
public struct ProjectFiles: Sendable {
    enum Storage: Sendable {
        case directory(URL)
        /// Relative path to contents.
        case embedded([String: [UInt8]])
    }

    let storage: Storage
    /// Where the files come from, as listings and `doctor` show it: a path, or "built in".
    public let origin: String

    public static func directory(_ url: URL) -> ProjectFiles {
        ProjectFiles(storage: .directory(url), origin: url.path)
    }

    /// Files by relative path; `origin` says where they came from ("built in").
    public static func embedded(_ files: [String: [UInt8]], origin: String) -> ProjectFiles {
        ProjectFiles(storage: .embedded(files), origin: origin)
    }

    /// The directory on disk, when the files are there.
    public var directory: URL? {
        if case .directory(let url) = storage { return url }
        return nil
    }

    /// The names directly inside (files and sub-directories), sorted; empty when the
    /// directory does not exist.
    public func entries() -> [String] {
        switch storage {
        case .directory(let url):
            return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
        case .embedded(let files):
            return Set(files.keys.compactMap { $0.split(separator: "/").first.map(String.init) }).sorted()
        }
    }

    public func contains(_ path: String) -> Bool { bytes(path) != nil }

    /// A file's bytes; nil when there is no such (regular) file.
    public func bytes(_ path: String) -> [UInt8]? {
        switch storage {
        case .directory(let url):
            var isDirectory: ObjCBool = false
            let file = url.appendingPathComponent(path).path
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: file)
            else { return nil }
            return [UInt8](data)
        case .embedded(let files):
            return files[path]
        }
    }

    /// A file as UTF-8 text; nil when it is missing or not UTF-8.
    public func text(_ path: String) -> String? {
        bytes(path).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The files under `name/`, as their own set.
    public func subdirectory(_ name: String) -> ProjectFiles {
        switch storage {
        case .directory(let url):
            return .directory(url.appendingPathComponent(name))
        case .embedded(let files):
            let prefix = name + "/"
            var inside: [String: [UInt8]] = [:]
            for (path, contents) in files where path.hasPrefix(prefix) { inside[String(path.dropFirst(prefix.count))] = contents }
            return ProjectFiles(storage: .embedded(inside), origin: origin)
        }
    }

    /// Every file, recursively, by relative path (what `signalroom init` copies).
    public func allFiles() -> [(path: String, bytes: [UInt8])] {
        switch storage {
        case .embedded(let files):
            return files.keys.sorted().map { ($0, files[$0]!) }
        case .directory(let url):
            guard let walker = FileManager.default.enumerator(atPath: url.path) else { return [] }
            var found: [(String, [UInt8])] = []
            while let path = walker.nextObject() as? String {
                if let contents = bytes(path) { found.append((path, contents)) }
            }
            return found.sorted { $0.0 < $1.0 }
        }
    }
}
