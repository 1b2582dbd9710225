/// How a table's columns change when a load with its own columns is applied to it.
public enum SchemaEvolution {
    /// The table's columns after the load, and the changes that get it there: columns the
    /// load brings are added, columns both have are widened to the join of their types.
    /// `wideIntegerColumns` names the table's integer columns holding values a double would
    /// round; widening one of those to hold fractions makes it `decimal`, not `double`.
    public static func plan(
        table: TableSchema?, load: TableSchema, wideIntegerColumns: Set<String> = []
    )
        -> (result: TableSchema, changes: [SchemaChange])
    {
        var result = table ?? TableSchema(table: load.table)
        var changes: [SchemaChange] = []
        for column in load.columns {
            if let index = result.index(ofColumn: column.name) {
                let wide = result.columns[index].type == .bigint && wideIntegerColumns.contains(column.name)
                if let change = result.widenColumn(at: index, toHold: column.type, integersBeyondDoublePrecision: wide) {
                    changes.append(change)
                }
            } else {
                result.columns.append(column)
                changes.append(.addColumn(column))
            }
        }
        return (result, changes)
    }

    /// Integer columns of `table` that the load would widen to `double`: the destination
    /// checks these for values beyond double precision before planning.
    public static func columnsWideningToDouble(table: TableSchema?, load: TableSchema) -> [String] {
        guard let table else { return [] }
        return load.columns.compactMap { column in
            guard let index = table.index(ofColumn: column.name),
                table.columns[index].type.widensIntegersToDouble(toHold: column.type)
            else { return nil }
            return column.name
        }
    }
}
