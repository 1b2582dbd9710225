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
    ],
    targets: [
        // Durable workflows: histories, replay, retries, timeouts, locks. Foundation only.
        .target(name: "SignalRoomEngine"),
        // The concrete workflows and activities (for now the demo) wired onto the engine.
        .target(name: "SignalRoomWorkflows", dependencies: ["SignalRoomEngine"]),
        // Cron and calendar maths in IANA time zones. Foundation only.
        .target(name: "SignalRoomSchedules"),
        // schedules.json, registered schedules and their state, what is due, firing runs.
        .target(name: "SignalRoomScheduler", dependencies: ["SignalRoomEngine", "SignalRoomSchedules"]),
        // The command line: argument parsing, output, exit codes.
        .executableTarget(
            name: "signalroom",
            dependencies: [
                "SignalRoomEngine",
                "SignalRoomWorkflows",
                "SignalRoomSchedules",
                "SignalRoomScheduler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "signalroom-bench", dependencies: ["SignalRoomEngine"], path: "bench/Sources"),
        .testTarget(name: "SignalRoomEngineTests", dependencies: ["SignalRoomEngine", "SignalRoomWorkflows"]),
        .testTarget(name: "SignalRoomSchedulesTests", dependencies: ["SignalRoomSchedules"]),
        .testTarget(name: "SignalRoomSchedulerTests", dependencies: ["SignalRoomScheduler", "SignalRoomEngine"]),
        // Process-level tests against the built `signalroom` binary.
        .testTarget(name: "SignalRoomCLITests", dependencies: ["signalroom", "SignalRoomEngine"]),
    ]
)
