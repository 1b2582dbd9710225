import Foundation
import SignalRoomCore

/// How a command's final error reaches stderr: `signalroom: error: <message>` for people, or
/// with `--json` one JSON object a CI job can parse, `{"error": {"code": 2, "name": "usage",
/// "message": "..."}}` (stdout stays for results). The exit code is the same either way.
struct ErrorLine {
    var json: Bool

    func write(_ message: String, code: ExitStatus) -> Int32 {
        let line: String
        if json {
            let object: JSONValue = .object([
                "error": .object(["code": .int(Int64(code.rawValue)), "name": .string(code.name), "message": .string(message)])
            ])
            line = String(decoding: JSONWriter.write(object), as: UTF8.self)
        } else {
            line = "signalroom: error: \(message)"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        return code.rawValue
    }
}

extension ExitStatus {
    /// The code's name in JSON errors, as `--help` describes it.
    var name: String {
        switch self {
        case .success: "success"
        case .workflowUnsuccessful: "workflow_unsuccessful"
        case .usage: "usage"
        case .conflict: "conflict"
        case .notFound: "not_found"
        case .parked: "parked"
        case .stateDamaged: "state_damaged"
        case .internalError: "internal_error"
        }
    }
}
