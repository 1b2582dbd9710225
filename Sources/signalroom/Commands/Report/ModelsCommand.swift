import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomReports
import SignalRoomWorkflows

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "Warehouse models and seeds.", subcommands: [ModelsApply.self])
}

struct ModelsApply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Load seeds/*.csv into the analytics dataset and create the models/*.sql views.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let result = try await ApplyModelsActivity.apply(settings.pipelineServices(), strict: true)
        if settings.json {
            try Output.json(result)
            return
        }
        for (table, rows) in result.seeds.sorted(by: { $0.key < $1.key }) { print("seed analytics.\(table): \(rows) rows") }
        for model in result.models { print("model \(model)") }
        if result.seeds.isEmpty, result.models.isEmpty { print("no seeds and no models to apply") }
    }
}
