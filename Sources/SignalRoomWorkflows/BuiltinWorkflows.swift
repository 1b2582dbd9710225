import SignalRoomEngine

/// Every workflow and activity this build of SignalRoom can run.
public enum BuiltinWorkflows {
    /// `services` configures the activities that reach the outside world; processes that
    /// only check workflow names and inputs can leave it unconfigured.
    public static func registry(services: PipelineServices = .unconfigured) -> WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(workflow: SyncSourceWorkflow.self)
        registry.register(workflow: ScheduledSyncWorkflow.self)
        registry.register(activity: RunPipelineActivity(services: services))
        registry.register(activity: SendNotificationActivity(services: services))
        registry.register(activity: ApplyModelsActivity(services: services))
        registry.register(activity: SettleLoadsActivity(services: services))
        registry.register(workflow: RunReportWorkflow.self)
        registry.register(activity: RunReportActivity(services: services))
        registry.register(workflow: DemoWorkflow.self)
        registry.register(activity: DemoStepActivity())
        registry.register(activity: DemoSummaryActivity())
        return registry
    }
}
