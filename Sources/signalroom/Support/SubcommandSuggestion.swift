import ArgumentParser

/// "did you mean" for a mistyped command: ArgumentParser reports `signalroom wrkflow list` as
/// an unexpected argument; this names the command and the closest one it has.
enum SubcommandSuggestion {
    /// The message for the first word of `arguments` that is not a command where one is
    /// expected; nil when the path is made of known commands.
    static func message(for arguments: [String], root: any ParsableCommand.Type = SignalRoomCommand.self) -> String? {
        var subcommands = root.configuration.subcommands
        var path = [commandName(root)]
        for argument in arguments {
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            var names: [String] = []
            var next: [any ParsableCommand.Type]?
            for subcommand in subcommands {
                let name = commandName(subcommand)
                names.append(name)
                if name == argument { next = children(of: subcommand) }
            }
            if let next {
                subcommands = next
                path.append(argument)
                continue
            }
            let parent = path.joined(separator: " ")
            let unknown = "unknown command \(argument.debugDescription)" + (path.count > 1 ? " for `\(parent)`" : "")
            if let closest = closest(to: argument, in: names) {
                return "\(unknown); did you mean `\(parent) \(closest)`?"
            }
            return "\(unknown); the commands are \(names.joined(separator: ", ")) (see --help)"
        }
        return nil
    }

    // Through generic functions: reading these off `any ParsableCommand.Type` in a closure
    // crashed the 6.3.1 compiler (SIL cleanup of an opened existential).
    private static func commandName<Command: ParsableCommand>(_ command: Command.Type) -> String { Command._commandName }

    private static func children<Command: ParsableCommand>(of command: Command.Type) -> [any ParsableCommand.Type] {
        Command.configuration.subcommands
    }

    /// The name within two edits (or starting with what was typed), the nearest first.
    static func closest(to typed: String, in names: [String]) -> String? {
        let scored = names.map { ($0, distance(typed.lowercased(), $0)) }.filter { $0.1 <= 2 || $0.0.hasPrefix(typed.lowercased()) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
