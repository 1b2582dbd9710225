/// Collects a resource's batches and commits them to the load's stage table in chunks of
/// about `chunkRows` rows, each at a batch that carries a resume token.
final class ChunkingSink: RowSink, @unchecked Sendable {
    private let loader: ResourceLoader
    private let resource: any Resource
    /// The table's columns when the load began; a field the table already has keeps its
    /// column name.
    private let table: TableSchema?
    private(set) var load: LoadRecord
    private var buffered: [RowBatch] = []
    private var bufferedRows = 0
    /// Source bytes behind the buffered rows (as the resource reported them): a chunk of
    /// wide rows ends by size before it reaches `chunkRows`.
    private var bufferedBytes = 0
    private(set) var lastToken: String?
    private(set) var rowsRead = 0
    private(set) var bytesRead = 0
    private(set) var chunks = 0
    private(set) var skippedRows = 0
    /// The commit of the last chunk, running while the next one is read.
    private var pendingStage: Task<Void, Error>?
    private var advancedCursor: String?

    init(loader: ResourceLoader, resource: any Resource, table: TableSchema?, load: LoadRecord) {
        self.loader = loader
        self.resource = resource
        self.table = table
        self.load = load
        rowsRead = load.rows
    }

    func write(_ batch: consuming RowBatch, resumeToken: String?) async throws {
        let count = batch.count
        if count > 0 {
            buffered.append(batch)
            bufferedRows += count
            rowsRead += count
        }
        if let resumeToken {
            lastToken = resumeToken
            if bufferedRows >= loader.options.chunkRows || bufferedBytes >= loader.options.chunkBytes {
                try await flush(resumeToken: resumeToken, force: false)
            }
        }
    }

    func didRead(bytes: Int) {
        bytesRead += bytes
        bufferedBytes += bytes
    }

    func commit(resumeToken: String) async throws {
        lastToken = resumeToken
        try await flush(resumeToken: resumeToken, force: true)
    }

    func didSkip(rows: Int) {
        skippedRows += rows
    }

    func advanceCursor(to value: String) {
        advancedCursor = CursorOrdering.maximum(advancedCursor, value)
    }

    /// Commits what is buffered as one chunk. With `force`, commits even an empty chunk
    /// when the cursor or the position moved, so the end of a file, a day or the whole
    /// extraction is always recorded.
    func flush(resumeToken: String?, force: Bool) async throws {
        let cursorMoved = advancedCursor.map { CursorOrdering.maximum(load.pendingCursor, $0) != load.pendingCursor } ?? false
        let positionMoved = resumeToken != nil && resumeToken != load.resumeToken
        guard bufferedRows > 0 || (force && (cursorMoved || positionMoved)) else { return }
        var chunk = try await normalize()
        chunk.load.resumeToken = resumeToken
        chunk.load.pendingCursor = CursorOrdering.maximum(chunk.load.pendingCursor, advancedCursor)
        // One chunk commits while the next one is read and normalized (two cores: parsing
        // and the database overlap, measured in bench/README.md). Chunks still commit in
        // order, each with its checkpoint after it, and at most two are in memory.
        try await drain()
        load = chunk.load
        buffered.removeAll(keepingCapacity: true)
        bufferedRows = 0
        bufferedBytes = 0
        chunks += 1
        let (loader, resource, number, progress) = (
            self.loader, self.resource, chunks,
            LoadProgress(
                resource: resource.name, table: resource.table, rows: chunk.load.rows,
                rowsRead: rowsRead, bytesRead: bytesRead, finished: false)
        )
        pendingStage = Task {
            try await loader.connection.stage(chunk)
            try await loader.checkpoint(chunk.load.loadId, resource.name, .staged(chunk: number, rows: chunk.load.rows))
            loader.progress(progress)
        }
    }

    /// Waits for the chunk being committed, if any; its error, if it failed.
    func drain() async throws {
        guard let pending = pendingStage else { return }
        pendingStage = nil
        try await pending.value
    }

    /// Types the buffered values, evolves the load's columns, and lays the rows out by
    /// column with every value converted to its column's type.
    private func normalize() async throws -> StagedChunk {
        // Taken, not copied: rows that no one else holds are converted in place below.
        var batches = buffered
        buffered = []
        var next = load
        // Types seen per field, in order of first appearance.
        var fieldOrder: [String] = []
        var accumulators: [String: FieldTypeAccumulator] = [:]
        var cursorMaximum: String? = nil
        let cursorField = resource.incremental?.field
        for batch in batches {
            var local = [FieldTypeAccumulator](repeating: FieldTypeAccumulator(), count: batch.fields.count)
            // Through buffers: iterating the arrays retained every row and every text value.
            local.withUnsafeMutableBufferPointer { local in
                batch.rows.withUnsafeBufferPointer { rows in
                    for row in rows.indices {
                        rows[row].withUnsafeBufferPointer { values in
                            for index in 0..<min(values.count, local.count) { local[index].observe(values[index]) }
                        }
                    }
                }
            }
            for (index, field) in batch.fields.enumerated() {
                if accumulators[field] == nil { fieldOrder.append(field) }
                var merged = accumulators[field] ?? FieldTypeAccumulator()
                merged.merge(local[index])
                accumulators[field] = merged
                if field == cursorField {
                    for row in batch.rows where index < row.count {
                        if let text = CursorOrdering.text(of: row[index]) { cursorMaximum = CursorOrdering.maximum(cursorMaximum, text) }
                    }
                }
            }
        }
        // Columns for this chunk's fields: existing load columns widen, new ones are added.
        var changes: [SchemaChange] = []
        var columnOfField: [String: Int] = [:]
        for field in fieldOrder {
            guard let type = accumulators[field]?.resolved else { continue }
            if let index = next.schema.index(ofField: field) {
                let column = next.schema.columns[index]
                var wide = accumulators[field]?.hasWideInteger == true
                if !wide, column.type.widensIntegersToDouble(toHold: type) {
                    try await drain()
                    wide = try await loader.connection.hasIntegersBeyondDoublePrecision(table: load.stageTable, column: column.name)
                }
                if let change = next.schema.widenColumn(at: index, toHold: type, integersBeyondDoublePrecision: wide) {
                    changes.append(change)
                }
                columnOfField[field] = index
            } else {
                let name =
                    table?.columns.first(where: { $0.field == field })?.name
                    ?? next.schema.columnName(forNewField: field, reserved: reservedNames())
                let column = ColumnDefinition(name: name, type: type, field: field)
                next.schema.columns.append(column)
                changes.append(.addColumn(column))
                columnOfField[field] = next.schema.columns.count - 1
            }
        }
        let columns = next.schema.columns
        let keyIndexes = try resource.writeDisposition.primaryKey.map { key -> Int in
            guard let index = columns.firstIndex(where: { $0.name == key }) else {
                throw PipelineError.missingPrimaryKey(resource: resource.name, column: key, row: "every row so far")
            }
            return index
        }
        var rows: [[FieldValue]] = []
        rows.reserveCapacity(bufferedRows)
        let types = columns.map(\.type)
        for b in batches.indices {
            let targets = batches[b].fields.map { columnOfField[$0] }
            // The usual batch: its fields are the columns, in order. Its rows are converted
            // where they are, only the values whose type differs from the column's; a
            // fresh row per row and a copy of every value was a sixth of parsing a CSV.
            let aligned = targets.count == columns.count && targets.indices.allSatisfy { targets[$0] == $0 }
            // Columns some value of this chunk must be converted for: values of several
            // types, or of another type than the column has. Usually none.
            let converted = batches[b].fields.indices.map { index -> Bool in
                guard let seen = accumulators[batches[b].fields[index]], let type = seen.type, let column = targets[index] else { return false }
                return seen.mixed || type != types[column]
            }
            let anyConverted = converted.contains(true)
            var batchRows: [[FieldValue]] = []
            swap(&batchRows, &batches[b].rows)
            for r in batchRows.indices {
                var row: [FieldValue] = []
                swap(&row, &batchRows[r])
                if aligned, row.count == columns.count {
                    if anyConverted {
                        for index in row.indices where converted[index] && !row[index].hasColumnType(types[index]) {
                            row[index] = row[index].coerced(to: types[index])
                        }
                    }
                } else {
                    var out = [FieldValue](repeating: .null, count: columns.count)
                    for (index, value) in row.enumerated() where index < targets.count {
                        guard let column = targets[index] else { continue }
                        out[column] = value.coerced(to: types[column])
                    }
                    row = out
                }
                for key in keyIndexes where row[key] == .null {
                    throw PipelineError.missingPrimaryKey(
                        resource: resource.name, column: columns[key].name,
                        row: "row \(next.rows + rows.count + 1) of this load")
                }
                rows.append(row)
            }
        }
        next.rows += rows.count
        next.pendingCursor = CursorOrdering.maximum(next.pendingCursor, cursorMaximum)
        return StagedChunk(load: next, changes: changes, columns: columns.map(\.name), rows: rows)
    }

    private func reservedNames() -> Set<String> {
        var names: Set<String> = ["_load_id"]
        for column in table?.columns ?? [] { names.insert(column.name) }
        return names
    }
}
