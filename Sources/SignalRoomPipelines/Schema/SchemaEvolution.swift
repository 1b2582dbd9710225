/// How a table's columns change when a load with its own columns is applied to it.
public enum SchemaEvolution {
    /// The table's columns after the load, and the changes that get it there: columns the
    /// load brings are added, columns both have are widened to the join of their types.
    /// `wideIntegerColumns` names the table's integer columns holding values a double would
    /// round; widening one of those to hold fractions makes it `decimal`, not `double`.
    public static func plan(table: TableSchema?, load: TableSchema, wideIntegerColumns: Set<String> = [])
        -> (result: TableSchema, changes: [SchemaChange])
    {
        var result = table ?? TableSchema(table: load.table)
        var changes: [SchemaChange] = []
        for column in load.columns {
            if let index = result.index(ofColumn: column.name) {
                let current = result.columns[index].type
                var widened = current.joined(with: column.type)
                if widened == .double, current == .bigint, wideIntegerColumns.contains(column.name) { widened = .decimal }
                if widened != current {
                    changes.append(.widenColumn(name: column.name, from: current, to: widened))
                    result.columns[index].type = widened
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
            guard let index = table.index(ofColumn: column.name), table.columns[index].type == .bigint,
                  column.type == .double else { return nil }
            return column.name
        }
    }
}
