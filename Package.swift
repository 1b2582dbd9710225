// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SignalRoom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "signalroom", targets: ["signalroom"]),
        .library(name: "SignalRoomEngine", targets: ["SignalRoomEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/stencilproject/Stencil", from: "0.15.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // NIOHTTP1 for the tests' loopback servers (NIO itself comes with postgres-nio).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The layer below the domain, so no target grows its own copy: the calendar
        // (CivilDate), history timestamps, JSON value/parser/writer, CRC-32 and the
        // classified error every part throws. Foundation only.
        .target(name: "SignalRoomCore"),
        // Durable workflows: histories, replay, retries, timeouts, locks. Foundation and Core only.
        .target(name: "SignalRoomEngine", dependencies: ["SignalRoomCore"]),
        // Extract-normalize-load: resources, type inference, schema evolution, write
        // dispositions, incremental cursors, staged and checkpointed loads. Foundation and Core only.
        .target(name: "SignalRoomPipelines", dependencies: ["SignalRoomCore"]),
        // The warehouse destinations: SQLite (GRDB) and PostgreSQL (postgres-nio).
        .target(
            name: "SignalRoomWarehouse",
            dependencies: [
                "SignalRoomCore",
                "SignalRoomPipelines",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Local file exports: the RFC 4180 CSV and JSON Lines readers and the `files` source.
        .target(name: "SignalRoomFiles", dependencies: ["SignalRoomCore", "SignalRoomPipelines"]),
        // HTTP for connectors and channels: AsyncHTTPClient (SwiftNIO) with timeouts,
        // bounded retries honouring Retry-After, and errors with secrets masked. Not
        // URLSession: FoundationNetworking drags libcurl and its 30 libraries into every
        // start of the binary, doubling the cost of a quiet `run-due` (see HTTPClient.swift).
        .target(
            name: "SignalRoomHTTP",
            dependencies: [
                "SignalRoomCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Outside sources over HTTP: Everflow, RedTrack, and S3 exports with Signature V4
        // (swift-crypto).
        .target(
            name: "SignalRoomConnectors",
            dependencies: [
                "SignalRoomCore", "SignalRoomPipelines", "SignalRoomFiles", "SignalRoomHTTP", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reports: definitions, models and seeds, queries, Stencil templates, notification
        // channels (Slack, Resend, Twilio, stdout) and alert hygiene.
        .target(
            name: "SignalRoomReports",
            dependencies: [
                "SignalRoomCore", "SignalRoomPipelines", "SignalRoomFiles", "SignalRoomHTTP", .product(name: "Stencil", package: "Stencil"),
            ]
        ),
        // The workflows and activities wired onto the engine, over protocols: any Source,
        // any Destination, any NotificationChannel, handed over as PipelineServices.
        .target(name: "SignalRoomWorkflows", dependencies: ["SignalRoomCore", "SignalRoomEngine", "SignalRoomPipelines", "SignalRoomReports"]),
        // The project files the binary carries (reports, models, seeds, schedules.json),
        // embedded by scripts/embed-defaults. Foundation only.
        .target(name: "SignalRoomDefaults"),
        // The installation: configuration read once (environment over .env) into the source
        // catalog, the warehouse and the channels; every variable's table; the operations the
        // command line calls (sync's checks, plan and start-or-resume, report and input checks).
        .target(
            name: "SignalRoomRuntime",
            dependencies: [
                "SignalRoomCore", "SignalRoomEngine", "SignalRoomPipelines", "SignalRoomWarehouse", "SignalRoomFiles", "SignalRoomHTTP",
                "SignalRoomConnectors", "SignalRoomReports", "SignalRoomWorkflows", "SignalRoomDefaults", "SignalRoomScheduler",
                "SignalRoomStatePostgres",
            ]
        ),
        // The state in PostgreSQL (SIGNALROOM_STATE_URL): histories, runs, requests, run logs,
        // schedules, pass records and alerts as rows, ownership by advisory locks, fenced
        // appends, versioned schema (DESIGN §9).
        .target(
            name: "SignalRoomStatePostgres",
            dependencies: [
                "SignalRoomCore", "SignalRoomEngine", "SignalRoomWarehouse", "SignalRoomScheduler", "SignalRoomReports",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The read-only web console (`signalroom ui`): server-rendered pages over the runs,
        // schedules, pipelines, reports and health, on SwiftNIO's HTTP server.
        .target(
            name: "SignalRoomConsole",
            dependencies: [
                "SignalRoomCore", "SignalRoomEngine", "SignalRoomScheduler", "SignalRoomCron", "SignalRoomPipelines",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Cron maths in IANA time zones and the one duration grammar. Foundation and Core only.
        .target(name: "SignalRoomCron", dependencies: ["SignalRoomCore"]),
        // schedules.json, registered schedules and their state, what is due, firing runs.
        .target(name: "SignalRoomScheduler", dependencies: ["SignalRoomCore", "SignalRoomEngine", "SignalRoomCron"]),
        // The command line: argument parsing, output, exit codes.
        .executableTarget(
            name: "signalroom",
            dependencies: [
                "SignalRoomCore",
                "SignalRoomEngine",
                "SignalRoomWorkflows",
                "SignalRoomRuntime",
                "SignalRoomCron",
                "SignalRoomScheduler",
                "SignalRoomPipelines",
                "SignalRoomReports",
                "SignalRoomStatePostgres",
                "SignalRoomConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "signalroom-bench",
            dependencies: [
                "SignalRoomCore", "SignalRoomEngine", "SignalRoomPipelines", "SignalRoomWarehouse", "SignalRoomFiles", "SignalRoomStatePostgres",
            ],
            path: "bench/Sources"
        ),
        .testTarget(name: "SignalRoomCoreTests", dependencies: ["SignalRoomCore"]),
        // What the engine's and the scheduler's suites share to run against both stores.
        .target(
            name: "SignalRoomStateTesting", dependencies: ["SignalRoomEngine", "SignalRoomScheduler", "SignalRoomStatePostgres"],
            path: "Tests/StateTesting"),
        .testTarget(
            name: "SignalRoomEngineTests", dependencies: ["SignalRoomCore", "SignalRoomEngine", "SignalRoomStatePostgres", "SignalRoomStateTesting"]),
        // The PostgreSQL state's guarantees against the test server: claims, fencing, locks.
        .testTarget(
            name: "SignalRoomStatePostgresTests",
            dependencies: ["SignalRoomCore", "SignalRoomEngine", "SignalRoomStatePostgres", "SignalRoomReports", "SignalRoomScheduler"]),
        .testTarget(name: "SignalRoomCronTests", dependencies: ["SignalRoomCore", "SignalRoomCron"]),
        .testTarget(
            name: "SignalRoomSchedulerTests", dependencies: ["SignalRoomCore", "SignalRoomScheduler", "SignalRoomEngine", "SignalRoomStateTesting"]),
        // Write dispositions and queries against real SQLite files and the test PostgreSQL server.
        .testTarget(
            name: "SignalRoomPipelinesTests", dependencies: ["SignalRoomCore", "SignalRoomPipelines", "SignalRoomWarehouse", "SignalRoomFiles"]),
        .testTarget(name: "SignalRoomFilesTests", dependencies: ["SignalRoomCore", "SignalRoomFiles", "SignalRoomPipelines"]),
        .testTarget(
            name: "SignalRoomConnectorsTests", dependencies: ["SignalRoomCore", "SignalRoomConnectors", "SignalRoomHTTP", "SignalRoomPipelines"]),
        .testTarget(name: "SignalRoomReportsTests", dependencies: ["SignalRoomReports", "SignalRoomPipelines"]),
        // The application operations the CLI calls, in process (sync's start-or-resume).
        .testTarget(
            name: "SignalRoomRuntimeTests",
            dependencies: [
                "SignalRoomCore", "SignalRoomEngine", "SignalRoomPipelines", "SignalRoomWorkflows", "SignalRoomRuntime", "SignalRoomReports",
                "SignalRoomDefaults",
            ]),
        // Process-level tests against the built `signalroom` binary, with the loopback
        // servers that stand in for Everflow and RedTrack.
        .testTarget(
            name: "SignalRoomCLITests",
            dependencies: [
                "signalroom", "SignalRoomCore", "SignalRoomEngine", "SignalRoomHTTP", "SignalRoomRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
