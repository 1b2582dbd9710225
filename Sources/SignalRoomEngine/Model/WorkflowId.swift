/// Workflow ids name directories under `state/workflows/`, so they are checked before any
/// file is touched: 1 to 200 characters of letters, digits and `. _ - : @ + =`, not
/// starting with a dot (which also rules out `.` and `..`).
public enum WorkflowId {
    public static let maximumLength = 200

    public static func validate(_ id: String) throws {
        func invalid(_ reason: String) -> WorkflowStoreError { .invalidWorkflowId(id, reason: reason) }
        guard !id.isEmpty else { throw invalid("it is empty; give 1 to \(maximumLength) characters") }
        guard id.count <= maximumLength else {
            throw invalid("it has \(id.count) characters; the limit is \(maximumLength)")
        }
        guard !id.hasPrefix(".") else { throw invalid("it starts with a dot; ids must not name hidden or parent directories") }
        if let bad = id.unicodeScalars.first(where: { !allowed($0) }) {
            let shown = bad == "/" ? "a path separator `/`" : bad == " " ? "a space" : "`\(bad.escaped(asASCII: true))`"
            throw invalid("it contains \(shown); use letters, digits and . _ - : @ + =")
        }
    }

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":", "@", "+", "=": true
        default: false
        }
    }
}
