import Foundation
import SignalRoomCore
import SignalRoomPipelines

/// The parts of a `_signalroom_loads` row that both destinations encode alike.
enum LedgerRow {
    static func schemaText(_ schema: TableSchema) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(schema), as: UTF8.self)
    }

    static func schema(from text: String) throws -> TableSchema {
        try JSONDecoder().decode(TableSchema.self, from: Data(text.utf8))
    }

    static func disposition(name: String, primaryKey: String) -> WriteDisposition {
        switch name {
        case "append": .append
        case "replace": .replace
        default: .merge(primaryKey: primaryKey.split(separator: ",").map(String.init))
        }
    }

    static func now() -> String { Timestamp.format(Date()) }
}
