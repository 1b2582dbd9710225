/// The type a column needs for the values seen so far.
struct FieldTypeAccumulator {
    private(set) var type: ColumnType?
    /// An integer beyond ±2^53 was seen: a double column would round it.
    private(set) var hasWideInteger = false
    /// Values of more than one type were seen: some must be converted to `type`.
    private(set) var mixed = false

    @inline(__always)
    mutating func observe(_ value: FieldValue) {
        guard let valueType = value.columnType else { return }
        if case .int(let integer) = value, integer.magnitude > 1 << 53 { hasWideInteger = true }
        if let current = type {
            if current != valueType {
                type = current.joined(with: valueType)
                mixed = true
            }
        } else {
            type = valueType
        }
    }

    /// The column type, with whole and fractional numbers meeting in `decimal` instead of
    /// `double` when a double would round one of the integers.
    var resolved: ColumnType? {
        type.map { $0.widened(toHold: $0, integersBeyondDoublePrecision: hasWideInteger) }
    }
}

extension FieldValue {
    /// Whether `coerced(to: type)` would give the value back unchanged.
    @inline(__always)
    func hasColumnType(_ type: ColumnType) -> Bool {
        guard let own = columnType else { return true }
        return own == type
    }

    /// The value converted to a column type at least as wide as its own (see
    /// `ColumnType.joined(with:)`); the conversion never loses the value.
    func coerced(to type: ColumnType) -> FieldValue {
        if hasColumnType(type) { return self }
        switch (self, type) {
        case (.int(let integer), .double): return .double(Double(integer))
        case (.int(let integer), .decimal): return .decimal(String(integer))
        case (.double(let double), .decimal): return .decimal(DoubleText.format(double))
        default: return textForm.map(FieldValue.text) ?? .null
        }
    }
}

extension FieldTypeAccumulator {
    mutating func merge(_ other: FieldTypeAccumulator) {
        if other.hasWideInteger { hasWideInteger = true }
        if other.mixed { mixed = true }
        guard let otherType = other.type else { return }
        if let type, type != otherType { mixed = true }
        type = type.map { $0 == otherType ? $0 : $0.joined(with: otherType) } ?? otherType
    }
}
