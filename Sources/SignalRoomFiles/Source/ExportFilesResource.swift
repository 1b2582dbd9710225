import SignalRoomPipelines

/// The export files of one table, read in date order.
///
/// Resume tokens are `<rows done>:<file name>`: the rows of that file already committed,
/// or `*` when the whole file is. A resumed load skips earlier files and the committed
/// rows of the file it stopped in.
public struct ExportFilesResource: Resource {
    public let name: String
    public let table: String
    public let files: [ExportFile]
    public let clientId: String
    public var batchRows = 10_000
    /// A batch also ends after this many bytes of file, so wide rows keep memory bounded.
    public var batchBytes = 4 << 20

    public var writeDisposition: WriteDisposition { .merge(primaryKey: ["_file_name", "_row_id"]) }
    public var incremental: IncrementalCursor? { IncrementalCursor(field: "_file_date") }

    public init(name: String, table: String, files: [ExportFile], clientId: String) {
        self.name = name
        self.table = table
        self.files = files
        self.clientId = clientId
    }

    static let metadataFields = ["_file_name", "_row_id", "_file_date", "_client_id"]

    /// Files the request covers: an explicit date window, or on/after the cursor date.
    public func selectedFiles(_ request: ExtractRequest) -> [ExportFile] {
        files.filter { file in
            guard let date = file.date else { return true }
            if request.startDate != nil || request.endDate != nil {
                return date >= (request.startDate ?? "") && date <= (request.endDate ?? "9999-12-31")
            }
            return request.cursor.map { date >= $0 } ?? true
        }
    }

    public func plan(_ request: ExtractRequest) async throws -> [String] {
        selectedFiles(request).map { "\($0.name) (\($0.size) bytes)" }
    }

    public func extract(_ request: ExtractRequest, into sink: any RowSink) async throws {
        var (files, skipRows) = remainingFiles(request)
        for file in files {
            try Task.checkCancellation()
            try await extractFile(file, skipping: skipRows, into: sink)
            skipRows = 0
        }
    }

    /// The files still to read for the request, and how many rows of the first of them a
    /// resumed load already committed.
    public func remainingFiles(_ request: ExtractRequest) -> (files: ArraySlice<ExportFile>, skipRows: Int) {
        let selected = selectedFiles(request)[...]
        guard let position = request.resumeToken.flatMap(Self.position(of:)),
            let index = selected.firstIndex(where: { $0.name == position.file })
        else { return (selected, 0) }
        return (selected[(position.rowsDone == nil ? index + 1 : index)...], position.rowsDone ?? 0)
    }

    /// Where a resume token says a load stopped: in `file` after `rowsDone` rows, or
    /// (`rowsDone` nil) after the whole file.
    public static func position(of token: String) -> (file: String, rowsDone: Int?)? {
        guard let colon = token.firstIndex(of: ":") else { return nil }
        let done = token[..<colon], file = String(token[token.index(after: colon)...])
        return (file, done == "*" ? nil : Int(done) ?? 0)
    }

    /// Reads one file (its rows after the first `skipRows`) into the sink, then commits
    /// it as finished and moves the cursor to its date. The S3 source reads the objects it
    /// downloaded through this too, so both sources load a file the same way.
    public func extractFile(_ file: ExportFile, skipping skipRows: Int, into sink: any RowSink) async throws {
        switch file.format {
        case .csv: try await extractCSV(file, skipping: skipRows, into: sink)
        case .jsonLines: try await extractJSONLines(file, skipping: skipRows, into: sink)
        }
        if let date = file.date { sink.advanceCursor(to: date) }
        try await sink.commit(resumeToken: "*:" + file.name)
    }

    private func metadata(_ file: ExportFile, row: Int) -> [FieldValue] {
        [.text(file.name), .int(Int64(row)), file.date.map(FieldValue.date) ?? .null, .text(clientId)]
    }

    private func extractCSV(_ file: ExportFile, skipping skipRows: Int, into sink: any RowSink) async throws {
        var reader = try CSVReader(path: file.path, displayName: file.name)
        let header = try reader.readHeader()
        let fields = header + Self.metadataFields
        var record: [String] = []
        var batch = RowBatch(fields: fields)
        batch.rows.reserveCapacity(batchRows)
        var row = 0
        var reported = 0
        while try reader.nextRecord(into: &record) {
            defer { row += 1 }
            if row < skipRows { continue }
            var values = [FieldValue]()
            values.reserveCapacity(fields.count)
            for text in record { values.append(TextInference.value(of: text)) }
            values.append(contentsOf: metadata(file, row: row))
            batch.rows.append(values)
            if batch.rows.count >= batchRows || reader.bytesRead - reported >= batchBytes {
                sink.didRead(bytes: reader.bytesRead - reported)
                reported = reader.bytesRead
                // Handed over without a reference kept here, so the loader may convert the
                // rows in place.
                let full = batch
                batch = RowBatch(fields: fields)
                batch.rows.reserveCapacity(batchRows)
                try await sink.write(consume full, resumeToken: "\(row + 1):\(file.name)")
                try Task.checkCancellation()
            }
        }
        if row == 0 { throw FilesSourceError.noRows(file: file.name) }
        sink.didRead(bytes: reader.bytesRead - reported)
        try await sink.write(consume batch, resumeToken: "\(row):\(file.name)")
    }

    private func extractJSONLines(_ file: ExportFile, skipping skipRows: Int, into sink: any RowSink) async throws {
        var reader = try JSONLinesReader(path: file.path, displayName: file.name)
        var fieldIndex: [String: Int] = [:]
        var fields: [String] = []
        var rows: [[(Int, FieldValue)]] = []
        var row = 0
        var reported = 0
        func emit() async throws {
            let allFields = fields + Self.metadataFields
            var batch = RowBatch(fields: allFields)
            batch.rows.reserveCapacity(rows.count)
            let firstRow = row - rows.count
            for (offset, pairs) in rows.enumerated() {
                var values = [FieldValue](repeating: .null, count: fields.count)
                for (index, value) in pairs { values[index] = value }
                values.append(contentsOf: metadata(file, row: firstRow + offset))
                batch.rows.append(values)
            }
            rows.removeAll(keepingCapacity: true)
            sink.didRead(bytes: reader.bytesRead - reported)
            reported = reader.bytesRead
            try await sink.write(batch, resumeToken: "\(row):\(file.name)")
        }
        while let object = try reader.nextObject() {
            defer { row += 1 }
            if row < skipRows { continue }
            rows.append(
                object.map { key, value in
                    if let index = fieldIndex[key] { return (index, value) }
                    fieldIndex[key] = fields.count
                    fields.append(key)
                    return (fields.count - 1, value)
                })
            if rows.count >= batchRows || reader.bytesRead - reported >= batchBytes { try await emit() }
        }
        if row == 0 { throw FilesSourceError.noRows(file: file.name) }
        try await emit()
    }
}
