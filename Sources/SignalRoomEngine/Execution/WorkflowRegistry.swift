import SignalRoomCore
/// The workflow and activity types a process can run, by their stable names. Activities
/// are registered as instances so they can carry their dependencies (configuration,
/// connections); workflows are stateless and created per run.
public struct WorkflowRegistry: Sendable {
    typealias WorkflowBody = @Sendable (WorkflowContext, JSONValue) async throws -> JSONValue
    typealias ActivityBody = @Sendable (ActivityContext, JSONValue) async throws -> JSONValue

    struct WorkflowEntry: Sendable {
        var body: WorkflowBody
        var validate: @Sendable (JSONValue) throws -> Void
    }

    private(set) var workflows: [String: WorkflowEntry] = [:]
    private(set) var activities: [String: ActivityBody] = [:]

    public init() {}

    public mutating func register<W: Workflow>(workflow: W.Type) {
        workflows[W.name] = WorkflowEntry(
            body: { context, input in
                let typed = try input.decode(W.Input.self)
                return try JSONValue(encoding: try await W().run(context: context, input: typed))
            },
            validate: { input in _ = try input.decode(W.Input.self) })
    }

    public mutating func register<A: Activity>(activity: A) {
        activities[A.name] = { context, input in
            let typed: A.Input
            do {
                typed = try input.decode(A.Input.self)
            } catch {
                throw ApplicationError("input of activity \(A.name) cannot be read: \(error)", type: "InvalidInput", isNonRetryable: true)
            }
            return try JSONValue(encoding: try await activity.run(context: context, input: typed))
        }
    }

    public var workflowNames: [String] { workflows.keys.sorted() }

    public func hasWorkflow(_ name: String) -> Bool { workflows[name] != nil }

    /// Checks that `input` decodes as the workflow's input type, before any run exists.
    public func validateInput(_ input: JSONValue, forWorkflow name: String) throws {
        try workflows[name]?.validate(input)
    }
}
