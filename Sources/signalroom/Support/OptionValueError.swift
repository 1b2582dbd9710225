/// A value an option (or the environment variable behind it) refused, as one line that names
/// where it came from, the value, and what is allowed: `--retention "30": duration `30`: a bare
/// number has no unit; ...`.
struct OptionValueError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// The refusal a `transform:` threw, found inside the error ArgumentParser made of it.
    ///
    /// ArgumentParser keeps it in an internal `CommandError` and prefixes a message of its own
    /// ("The value '30' is invalid for '--retention <duration>': ..."), which would name the
    /// option and the value twice. A reflective search, a few levels deep, finds ours without
    /// depending on the shape of those internals; when it finds nothing the report falls back
    /// to ArgumentParser's message, which still ends with ours.
    static func thrown(inside error: Error) -> OptionValueError? {
        if let refused = error as? OptionValueError { return refused }
        return search(Mirror(reflecting: error), depth: 0)
    }

    private static func search(_ mirror: Mirror, depth: Int) -> OptionValueError? {
        guard depth < 8 else { return nil }
        for child in mirror.children {
            if let refused = child.value as? OptionValueError { return refused }
            if let found = search(Mirror(reflecting: child.value), depth: depth + 1) { return found }
        }
        return nil
    }
}
