/// The run the current task works on, while `WorkflowEngine.execute` runs it (its activities'
/// child tasks included), so that a log handler can keep a run's lines with the run without
/// the engine knowing where logs go.
public enum CurrentRun {
    @TaskLocal public static var reference: RunReference?
}
