/// Rows that share one list of field names, as a resource hands them to the loader.
///
/// Field names are the source's own (`Order ID`, `totalPrice`); the loader maps them to
/// column names. A row shorter than `fields` is padded with nulls.
public struct RowBatch: Sendable {
    public var fields: [String]
    public var rows: [[FieldValue]]

    public init(fields: [String], rows: [[FieldValue]] = []) {
        self.fields = fields
        self.rows = rows
    }

    public var isEmpty: Bool { rows.isEmpty }
    public var count: Int { rows.count }
}
