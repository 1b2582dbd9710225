import Foundation
import SignalRoomCore
import SignalRoomEngine
import SignalRoomPipelines
import SignalRoomReports

/// Renders a report (models prepared, queries run with bound parameters, the channel's
/// template) and, with `send`, delivers it through the channel.
public struct RunReportActivity: Activity {
    public static let name = "RunReportActivity"

    public struct Input: Codable, Sendable, Equatable {
        public var report: String
        public var channel: String
        public var send: Bool
        public var params: [String: String]
        /// "Now" for `yesterday`: the schedule's fire time for a scheduled run, so a run
        /// late after an outage reports on the day the on-time run would have.
        public var asOf: String?

        public init(report: String, channel: String, send: Bool, params: [String: String] = [:], asOf: String? = nil) {
            self.report = report
            self.channel = channel
            self.send = send
            self.params = params
            self.asOf = asOf
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var report: String
        public var channel: String
        public var subject: String?
        public var text: String
        public var sent: Bool
        public var deliveryId: String?
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        let rendered = try await Self.render(input, services: services)
        guard input.send else {
            return Output(report: input.report, channel: input.channel, subject: rendered.subject, text: rendered.text, sent: false, deliveryId: nil)
        }
        let channel = try services.channel(input.channel)
        let delivery = try await channel.send(rendered)
        return Output(
            report: input.report, channel: input.channel, subject: rendered.subject, text: rendered.text, sent: true, deliveryId: delivery.id)
    }

    /// What `signalroom report` without `--send` shows, and what is sent.
    /// `buildingModels: false` reads the models as the last build left them, for readers that
    /// must not write to the warehouse (the console).
    public static func render(_ input: Input, services: PipelineServices, buildingModels: Bool = true) async throws -> RenderedReport {
        let report = try services.reports.report(named: input.report)
        if input.channel != "stdout", !report.channels.contains(input.channel) {
            throw ReportError.unknownChannel(report: report.name, channel: input.channel, channels: report.channels)
        }
        let now = input.asOf.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
        let parameters = try ReportParameters(resolving: input.params, for: report, now: now)
        guard !report.queries.isEmpty else {
            return try await ReportRenderer().render(report, channel: input.channel, parameters: parameters, session: nil)
        }
        let session = try await services.destination().session()
        // A model that cannot be built (a source it reads was never synced) matters only to
        // reports that read it: their query failure is then reported as the model's.
        var modelProblem: ReportError? = nil
        do {
            if buildingModels { try await services.models.prepare(session) }
        } catch let problem as ReportError {
            modelProblem = problem
        } catch {
            await session.close()
            throw error
        }
        do {
            let rendered = try await ReportRenderer().render(report, channel: input.channel, parameters: parameters, session: session)
            await session.close()
            return rendered
        } catch ReportError.query(let name, let query, let reason) {
            await session.close()
            if let modelProblem { throw modelProblem }
            throw ReportError.query(report: name, query: query, reason: reason)
        } catch {
            await session.close()
            throw error
        }
    }
}

/// Loads the seeds into `analytics` and (re)creates the models, as `signalroom models
/// apply` does and every sync does after it loaded.
public struct ApplyModelsActivity: Activity {
    public static let name = "ApplyModelsActivity"

    public struct Input: Codable, Sendable, Equatable {
        public init() {}
    }

    public struct Output: Codable, Sendable, Equatable {
        public var seeds: [String: Int]
        public var models: [String]
        /// Why the models could not be built yet (after a sync: a source they read was
        /// never loaded); nil when they were.
        public var notBuilt: String?
    }

    let services: PipelineServices

    public init(services: PipelineServices) {
        self.services = services
    }

    public func run(context: ActivityContext, input: Input) async throws -> Output {
        // After a sync, models that read a source not loaded yet wait for it quietly.
        try await Self.apply(services, strict: false)
    }

    /// `strict`: a model that cannot be built is an error (`models apply`) rather than a
    /// note in the result (after a sync).
    public static func apply(_ services: PipelineServices, strict: Bool) async throws -> Output {
        let library = services.models
        let destination = try services.destination()
        let seeds = try await library.loadSeeds(into: destination)
        let models = try library.models()
        var notBuilt: String? = nil
        if !models.isEmpty {
            let session = try await destination.session()
            do {
                try await library.prepare(session)
            } catch let error as ReportError where !strict {
                notBuilt = error.description
            } catch {
                await session.close()
                throw error
            }
            await session.close()
        }
        return Output(
            seeds: Dictionary(uniqueKeysWithValues: seeds.map { ($0.table, $0.rows) }), models: notBuilt == nil ? models.map(\.name) : [],
            notBuilt: notBuilt)
    }
}
