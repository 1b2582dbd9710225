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

    /// The type a column of this type is widened to so that it also holds values of
    /// `other`: `joined(with:)`, except that whole and fractional numbers meet in `decimal`
    /// instead of `double` when integers beyond ±2^53 are involved (a double would round
    /// them). Schema evolution, within a load and when a load is applied, uses this rule.
    public func widened(toHold other: ColumnType, integersBeyondDoublePrecision: Bool) -> ColumnType {
        let joined = joined(with: other)
        return joined == .double && integersBeyondDoublePrecision ? .decimal : joined
    }

    /// Whether widening this type to hold `other` turns integers into doubles, so that the
    /// column's values must be checked for integers beyond double precision first.
    public func widensIntegersToDouble(toHold other: ColumnType) -> Bool {
        self == .bigint && joined(with: other) == .double
    }
}
