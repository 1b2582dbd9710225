import Foundation
import SignalRoomCore
import SignalRoomDefaults

/// What `signalroom init` writes: a project directory that works as it is (the shipped
/// reports, models and seeds to customise, the example `schedules.json`), an
/// `.env.example` naming every variable this build reads, a `.gitignore` for `.env` and
/// `state/`, and a private `state/`. A file that exists is kept, never overwritten.
public enum ProjectSkeleton {
    public struct Outcome: Sendable, Encodable {
        public var directory: String
        /// Relative paths written, in order.
        public var written: [String]
        /// Relative paths that already existed and were left as they were.
        public var kept: [String]
    }

    public enum SkeletonError: Error, CustomStringConvertible {
        case notADirectory(String)
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .notADirectory(let path): "\(path) exists and is not a directory: give `signalroom init` a new or existing directory"
            case .cannotWrite(let path, let reason): "cannot write \(path): \(reason); check the directory's owner and permissions"
            }
        }
    }

    /// The files by relative path, sorted: the order they are written and listed in.
    public static func files() -> [(path: String, bytes: [UInt8])] {
        var files: [(String, [UInt8])] = BuiltInProject.files.keys.sorted().map { ($0, BuiltInProject.files[$0]!) }
        files.append((".env.example", Array(environmentExample().utf8)))
        files.append((".gitignore", Array(".env\nstate/\n".utf8)))
        return files.sorted { $0.0 < $1.0 }
    }

    public static func write(into directory: URL) throws -> Outcome {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw SkeletonError.notADirectory(directory.path)
        }
        var outcome = Outcome(directory: directory.path, written: [], kept: [])
        for (path, bytes) in files() {
            let file = directory.appendingPathComponent(path)
            if manager.fileExists(atPath: file.path) {
                outcome.kept.append(path)
                continue
            }
            do {
                try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Written aside and renamed in, so an interrupted init leaves no half file
                // that a second init would then keep.
                let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).init-\(getpid())")
                try Data(bytes).write(to: temporary)
                try manager.moveItem(at: temporary, to: file)
            } catch {
                throw SkeletonError.cannotWrite(path: file.path, reason: error.localizedDescription)
            }
            outcome.written.append(path)
        }
        let state = directory.appendingPathComponent("state")
        if manager.fileExists(atPath: state.path) {
            outcome.kept.append("state/")
        } else {
            do {
                try manager.createDirectory(at: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                // The umask may have narrowed the mode asked for, never widened it; set it exactly.
                try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: state.path)
            } catch {
                throw SkeletonError.cannotWrite(path: state.path, reason: error.localizedDescription)
            }
            outcome.written.append("state/")
        }
        return outcome
    }

    /// Every variable this build reads except the test-only ones, grouped, each with what it
    /// sets and its default, commented out: copied to `.env` it changes nothing until a line
    /// is uncommented.
    public static func environmentExample() -> String {
        var text = """
            # SignalRoom settings. Copy to .env (kept out of git) and uncomment what you set;
            # variables set in the environment win over .env. `signalroom sources` shows what
            # each source needs and whether it is set; `signalroom doctor` checks the rest.

            """
        var group: EnvironmentVariable.Group?
        for variable in ConfigurationTable.allVariables where variable.group != .testing {
            if variable.group != group {
                group = variable.group
                text += "\n# --- \(variable.group) ---\n"
            }
            text += "# \(variable.summary)\(variable.isRequired ? " (required by it)" : "")\n"
            text += "# \(variable.name)=\(variable.defaultDescription == nil ? variable.defaultValue : "")\n"
        }
        return text
    }
}
