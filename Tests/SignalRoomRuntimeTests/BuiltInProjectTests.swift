import Foundation
import SignalRoomCore
import SignalRoomDefaults
import SignalRoomRuntime
import Testing

/// The project files the binary carries are the checkout's, byte for byte: a change to a
/// report without `scripts/embed-defaults` fails here rather than shipping the old report.
struct BuiltInProjectTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theBinaryCarriesExactlyTheCheckoutsReportsModelsSeedsAndSchedules() throws {
        var onDisk: [String: [UInt8]] = ["schedules.json": [UInt8](try Data(contentsOf: Self.repository.appendingPathComponent("schedules.json")))]
        for directory in ["reports", "models", "seeds"] {
            let root = Self.repository.appendingPathComponent(directory)
            let walker = try #require(FileManager.default.enumerator(atPath: root.path))
            while let path = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let file = root.appendingPathComponent(path)
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                onDisk["\(directory)/\(path)"] = [UInt8](try Data(contentsOf: file))
            }
        }
        let stale =
            Set(onDisk.keys).symmetricDifference(BuiltInProject.files.keys).sorted()
            + onDisk.keys.filter { BuiltInProject.files[$0] != nil && BuiltInProject.files[$0] != onDisk[$0] }.sorted()
        #expect(stale.isEmpty, "run scripts/embed-defaults: these differ from the checkout: \(stale)")
        #expect(BuiltInProject.files.keys.contains("reports/sample_orders/report.json"))
    }

    @Test func theEnvironmentExampleNamesEveryVariableButTheTestOnesCommentedOut() {
        let example = ProjectSkeleton.environmentExample()
        for variable in ConfigurationTable.allVariables {
            let line = "# \(variable.name)="
            if variable.group == .testing {
                #expect(!example.contains(line), "\(variable.name) is test-only")
            } else {
                #expect(example.contains("\n" + line), "\(variable.name) is missing")
            }
        }
        let assignments = example.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(assignments.isEmpty, "copied to .env it must set nothing: \(assignments)")
        #expect(example.contains("# EVERFLOW_PAGE_SIZE=10000\n"))
    }
}
