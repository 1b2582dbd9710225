import Foundation

/// The project files this binary carries: the shipped reports, models and seeds, and the
/// example `schedules.json`. An installed binary run from a directory without `reports/`
/// uses these; `signalroom init` writes copies to customise. They are the checkout's own
/// directories, embedded by `scripts/embed-defaults` (a test keeps the two the same).
public enum BuiltInProject {
    /// What listings call their origin.
    public static let origin = "built in"

    /// Every file by relative path (`reports/daily_ccw/report.json`, `schedules.json`).
    public static let files: [String: [UInt8]] = {
        var files: [String: [UInt8]] = [:]
        for (path, encoded) in encodedFiles {
            // The generator wrote it from real files, so it always decodes. The line breaks
            // are skipped by the decoder: filtering them out by `Character` first cost half
            // a millisecond of every start that reads the settings (a quiet `run-due` too).
            files[path] = [UInt8](Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)!)
        }
        return files
    }()
}
