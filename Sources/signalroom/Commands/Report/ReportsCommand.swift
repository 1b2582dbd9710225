import ArgumentParser
import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomReports
import SignalRoomWorkflows

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reports", abstract: "List the reports with their channels and parameters.")

    @OptionGroup var global: GlobalOptions

    struct Listing: Encodable {
        struct Param: Encodable {
            var name: String
            var type: String
            var defaultValue: String?
            var description: String
        }
        var name: String
        var description: String
        var channels: [String]
        var params: [Param]
        var problem: String?
    }

    func run() async throws {
        let settings = try global.settings()
        let library = settings.runtime.reports
        var listings: [Listing] = []
        for name in library.names {
            do {
                let report = try library.report(named: name)
                listings.append(
                    Listing(
                        name: name, description: report.description, channels: report.channels,
                        params: report.parameters.map {
                            .init(name: $0.name, type: $0.type.rawValue, defaultValue: $0.defaultValue, description: $0.description)
                        }))
            } catch {
                listings.append(Listing(name: name, description: "", channels: [], params: [], problem: "\(error)"))
            }
        }
        if settings.json {
            try Output.json(listings)
            return
        }
        if listings.isEmpty { print("no reports in \(library.files.origin)") }
        for listing in listings {
            print("\(listing.name): \(listing.description)")
            print("  channels: \(listing.channels.joined(separator: ", ")) (and stdout)")
            for param in listing.params {
                print(
                    "  --param \(param.name)=<\(param.type)>" + (param.defaultValue.map { " (default \($0))" } ?? "")
                        + (param.description.isEmpty ? "" : ": \(param.description)"))
            }
            if let problem = listing.problem { print("  problem: \(problem)") }
        }
    }
}
