import SignalRoomEngine

/// Every workflow and activity this build of SignalRoom can run.
public enum BuiltinWorkflows {
    public static func registry() -> WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(workflow: DemoWorkflow.self)
        registry.register(activity: DemoStepActivity())
        registry.register(activity: DemoSummaryActivity())
        return registry
    }
}
