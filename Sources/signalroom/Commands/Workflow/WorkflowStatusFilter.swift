/// The runs `workflow list --status` keeps: one status, or `open` / `closed` for a group.
enum WorkflowStatusFilter: String, CaseIterable, Sendable {
    /// Running, parked or ready.
    case open
    /// Held by a process.
    case running
    /// Waiting for its wake-up time.
    case parked
    /// Due now, e.g. after its process died (`workflow resume --due` picks it up).
    case ready
    /// Completed, failed, canceled or terminated.
    case closed
    case completed, failed, canceled, terminated

    static let names = allCases.map(\.rawValue)

    static func parse(_ text: String, from source: String) throws(OptionValueError) -> Self {
        guard let filter = Self(rawValue: text) else {
            throw OptionValueError("\(source) must be one of \(names.joined(separator: ", ")), not \"\(text)\"")
        }
        return filter
    }

    func matches(status: String, isClosed: Bool) -> Bool {
        switch self {
        case .open: !isClosed
        case .closed: isClosed
        default: status == rawValue
        }
    }
}
