import Foundation
import Logging
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The state directory holds histories, alert state and the warehouse: it must not be
/// open to other users. SignalRoom creates it 0700 and everything in it 0600/0700 (modes
/// given at each creation, so the umask does not matter); a directory made by hand or by
/// an older build may be looser, which is said once per command rather than changed
/// behind the operator's back (a BI tool may read the warehouse on purpose).
enum StateDirectoryMode {
    static func warnIfLoose(_ directory: URL) {
        var info = stat()
        guard stat(directory.path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        let mode = String(info.st_mode & 0o777, radix: 8)
        Logger(label: "signalroom.state").warning(
            "state directory \(directory.path) is mode \(mode), open to other users; run `chmod 700 \(directory.path)`")
    }
}
