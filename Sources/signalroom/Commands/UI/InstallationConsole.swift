import Foundation
import SignalRoomConsole
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomReports
import SignalRoomRuntime
import SignalRoomScheduler
import SignalRoomWorkflows

/// What the console reads, from this installation's settings: the same stores, catalog,
/// warehouse, reports and doctor checks the commands use, with secrets redacted from
/// every text that reaches a page.
struct InstallationConsole: ConsoleData, @unchecked Sendable {
    // Settings holds only values and the state handle, which opens the state once under a lock.
    let settings: Settings

    func store() throws -> any HistoryStore & RunLogStore { try settings.store(create: false) }

    func schedules() throws -> [ConsoleSchedule] {
        let scheduler = try settings.scheduler()
        return try scheduler.schedules.ids().map { id in
            do {
                return .registered(try scheduler.registered(id))
            } catch {
                return .damaged(id: id, problem: settings.redactor.redact("\(error)"))
            }
        }
    }

    func pipelines() async -> [ConsolePipeline] {
        var pipelines: [ConsolePipeline] = []
        for entry in settings.runtime.sources.entries { pipelines.append(await describe(entry.name, dataset: entry.dataset, withSchemas: false)) }
        return pipelines
    }

    func pipeline(_ name: String) async -> ConsolePipeline? {
        guard let entry = settings.runtime.sources.entries.first(where: { $0.name == name }) else { return nil }
        return await describe(entry.name, dataset: entry.dataset, withSchemas: true)
    }

    private func describe(_ name: String, dataset: String, withSchemas: Bool) async -> ConsolePipeline {
        var pipeline = ConsolePipeline(name: name, dataset: dataset, location: "", description: nil, workflowType: SyncSourceWorkflow.name)
        do {
            let destination = try settings.runtime.destination()
            pipeline.location = settings.redactor.redact(destination.location)
            // A dataset never loaded is not created by looking at it.
            guard try await destination.hasDataset(dataset) else { return pipeline }
            try await destination.withDataset(dataset) { connection in
                let description = try await connection.describe(pipeline: name)
                pipeline.description = description
                if withSchemas {
                    for table in description.tables {
                        if let schema = try await connection.tableSchema(table.name) { pipeline.schemas.append(schema) }
                    }
                }
            }
        } catch {
            pipeline.problem = settings.redactor.redact("\(error)")
        }
        return pipeline
    }

    func reports() -> [ConsoleReport] {
        let library = settings.runtime.reports
        return library.names.map { name in
            guard let report = try? library.report(named: name) else {
                return ConsoleReport(name: name, description: "cannot be read: `signalroom reports` says why", channels: [], parameters: [])
            }
            return ConsoleReport(
                name: name, description: report.description, channels: report.channels, parameters: report.parameters.map(\.name))
        }
    }

    func renderReport(_ name: String, date: String?, channel: String?) async throws -> String {
        var params: [String: String] = [:]
        if let date { params["date"] = date }
        let services = settings.pipelineServices()
        do {
            let input = try ReportOperation.prepare(report: name, channel: channel, send: false, params: params, services: services)
            let rendered = try await RunReportActivity.render(input, services: services, buildingModels: false)
            return (rendered.subject.map { "Subject: \($0)\n\n" } ?? "") + rendered.text
        } catch {
            throw RenderProblem(
                message: settings.redactor.redact("\(error)") + " (the console reads the models as the last `signalroom report \(name)` built them)")
        }
    }

    private struct RenderProblem: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    func pageFailed(_ error: Error) -> String {
        settings.state.reopenAfter(error)
        return settings.redactor.redact("\(error)")
    }

    func health() async -> [ConsoleHealthCheck] {
        await Doctor(settings: settings, now: Date()).run().map {
            ConsoleHealthCheck(check: $0.check, status: $0.status.rawValue, message: $0.message)
        }
    }
}
