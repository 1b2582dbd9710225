/// A durable workflow: pure orchestration that the engine can replay from its history.
///
/// `run` must be deterministic: no I/O, no clock, no randomness except through its
/// context (`context.now`, `context.random`, `context.uuid()`), and the same commands
/// (activities, timers) in the same order for the same history. Everything with side
/// effects belongs in an `Activity`.
public protocol Workflow: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable
    /// The stable type name recorded in histories; renaming it orphans existing runs.
    static var name: String { get }
    init()
    func run(context: WorkflowContext, input: Input) async throws -> Output
}

/// An activity: the only place where I/O happens. May run more than once (retries, a
/// worker that died mid-attempt), so it should be idempotent or resume from its
/// heartbeat details.
public protocol Activity: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Codable & Sendable
    /// The stable type name recorded in histories.
    static var name: String { get }
    func run(context: ActivityContext, input: Input) async throws -> Output
}
