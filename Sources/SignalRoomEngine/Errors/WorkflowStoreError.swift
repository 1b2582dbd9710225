/// Why the store refused to start, claim or find a run.
public enum WorkflowStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidWorkflowId(String, reason: String)
    case alreadyRunning(workflowId: String, runId: String)
    case alreadyUsed(workflowId: String, runId: String)
    case runLocked(workflowId: String, runId: String)
    case notFound(workflowId: String)
    case runNotFound(workflowId: String, runId: String)
    case alreadyClosed(workflowId: String, runId: String, status: String)
    case notDamaged(workflowId: String, runId: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidWorkflowId(let id, let reason):
            let shown = id.count > 60 ? String(id.prefix(60)) + "…" : id
            return "invalid workflow id \"\(shown)\": \(reason)"
        case .alreadyRunning(let id, let run):
            return "workflow \(id) is already running (run \(run)); wait for it, or cancel it with `signalroom workflow cancel \(id)`"
        case .alreadyUsed(let id, let run):
            return "workflow id \(id) was already used (run \(run)); it is not run again"
        case .runLocked(let id, let run):
            return "workflow \(id) (run \(run)) is being worked on by another signalroom process; try again when it finishes"
        case .notFound(let id):
            return "no workflow with id \(id); `signalroom workflow list` shows the known ones"
        case .runNotFound(let id, let run):
            return "workflow \(id) has no run \(run)"
        case .alreadyClosed(let id, let run, let status):
            return "workflow \(id) (run \(run)) is already closed (\(status))"
        case .notDamaged(let id, let run):
            return "workflow \(id) (run \(run)) has a readable history; nothing to set aside"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
