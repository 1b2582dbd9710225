/// The column types SignalRoom infers and creates, the same set on every destination.
///
/// | type | SQLite | PostgreSQL |
/// |---|---|---|
/// | bool | INTEGER (0/1) | boolean |
/// | bigint | INTEGER | bigint |
/// | double | REAL | double precision |
/// | decimal | no declared type: INTEGER or REAL where exact, else TEXT | numeric (digits and scale) |
/// | date | TEXT `YYYY-MM-DD` | date |
/// | timestamp | TEXT ISO 8601 | timestamptz |
/// | text | TEXT | text |
/// | json | TEXT | jsonb |
public enum ColumnType: String, Sendable, Codable, CaseIterable, Hashable {
    case bool, bigint, double, decimal, date, timestamp, text, json

    /// The narrowest type that holds every value of both types without loss: whole and
    /// fractional numbers meet in `double` (or `decimal` when exact digits are involved),
    /// everything else meets in `text`, which holds any value's text form.
    ///
    /// This is the widening rule of schema evolution: a column is never split into
    /// variant columns; it is widened in place (existing values converted to the wider
    /// type) so queries over it keep seeing every value.
    public func joined(with other: ColumnType) -> ColumnType {
        if self == other { return self }
        switch (self, other) {
        case (.bigint, .double), (.double, .bigint): return .double
        case (.bigint, .decimal), (.decimal, .bigint), (.double, .decimal), (.decimal, .double): return .decimal
        default: return .text
        }
    }
}
