import ArgumentParser
import Foundation
import SignalRoomRuntime
import SignalRoomWorkflows

struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "List the sources this build can sync, their resources and the settings they need.")

    @OptionGroup var global: GlobalOptions

    struct Listing: Encodable {
        var name: String
        var dataset: String
        var description: String
        var configured: Bool
        var variables: [SourceCatalog.Variable]
        var resources: [String]
        var problem: String?
    }

    func run() async throws {
        let settings = try global.settings()
        let catalog = settings.runtime.sources
        var listings: [Listing] = []
        for entry in catalog.entries {
            var listing = Listing(
                name: entry.name, dataset: entry.dataset, description: entry.description,
                configured: entry.configured, variables: entry.variables, resources: entry.resources)
            if entry.configured {
                do {
                    listing.resources = try await catalog.source(named: entry.name).resources().map(\.name)
                } catch {
                    listing.problem = "\(error)"
                }
            }
            listings.append(listing)
        }
        if settings.json {
            try Output.json(listings)
            return
        }
        for listing in listings {
            print("\(listing.name) (dataset \(listing.dataset)): \(listing.configured ? "configured" : "not configured")")
            print("  \(listing.description)")
            for variable in listing.variables {
                print("  \(variable.name)\(variable.required ? " (required)" : ""): \(variable.purpose) — \(variable.isSet ? "set" : "not set")")
            }
            if let problem = listing.problem { print("  problem: \(problem)") }
            if !listing.resources.isEmpty { print("  resources: \(listing.resources.joined(separator: ", "))") }
        }
    }
}
