import Foundation

/// The `.env` file of the working directory, read by the common dotenv rules (the
/// variables it may set are the `EnvironmentVariable` table's):
///
/// ```
/// # a full-line comment
/// export EVERFLOW_API_KEY=abc123      # `export ` is allowed; an inline comment after whitespace
/// REPORT_TIMEZONE = America/Chicago   # whitespace around `=` is dropped
/// SLACK_CHANNEL='#alerts'             # single quotes: literal, `#` and `\` included
/// GREETING="Hello\nWorld"             # double quotes: \n \r \t \\ \" \' \$ are escapes
/// PRIVATE_KEY="-----BEGIN KEY-----
/// ...
/// -----END KEY-----"                  # quoted values may span lines
/// URL=https://example.com/#top        # `#` not after whitespace is part of the value
/// ```
///
/// `$VAR` is not expanded (values are taken as written). A line that is none of these (no
/// `=`, a key with a space, text after a closing quote, an unclosed quote) is an error naming
/// the file and its line, never skipped: a silently dropped line is a setting that is not set.
/// The error never quotes the line, which may hold a secret.
package enum DotEnvFile {
    package struct LineError: Error, CustomStringConvertible {
        package var path: String
        package var line: Int
        package var problem: String
        package var description: String { "\(path) line \(line): \(problem)" }
    }

    /// The variables of the file at `path`; a missing file is an empty environment.
    /// `name` is how errors call the file (`.env`).
    package static func read(path: String, name: String = ".env") throws(LineError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        guard let text = String(validating: data, as: UTF8.self) else {
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            let bad = lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0
            throw LineError(path: name, line: bad + 1, problem: "is not UTF-8 text; save the file as UTF-8")
        }
        return try parse(text, name: name)
    }

    package static func parse(_ text: String, name: String = ".env") throws(LineError) -> [String: String] {
        var values: [String: String] = [:]
        // Characters, not bytes: `\r\n` is one Character in Swift, so it ends a line too.
        let characters = Array(text)
        var index = 0
        var line = 1
        func fail(_ problem: String, at errorLine: Int? = nil) -> LineError {
            LineError(path: name, line: errorLine ?? line, problem: problem)
        }
        func isNewline(_ character: Character) -> Bool { character == "\n" || character == "\r\n" || character == "\r" }
        func skipBlanks() { while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 } }
        /// After a value: blanks, then a comment or the end of the line.
        func endOfLine() throws(LineError) {
            skipBlanks()
            if index < characters.count, characters[index] == "#" {
                while index < characters.count, !isNewline(characters[index]) { index += 1 }
            }
            guard index == characters.count || isNewline(characters[index]) else {
                throw fail("unexpected text after the value; quote a value that contains spaces or quotes")
            }
        }
        while index < characters.count {
            skipBlanks()
            if index < characters.count, characters[index] == "#" {
                while index < characters.count, !isNewline(characters[index]) { index += 1 }
            }
            if index == characters.count { break }
            if isNewline(characters[index]) {
                index += 1
                line += 1
                continue
            }
            var keyStart = index
            if characters[index...].starts(with: "export"), index + 6 < characters.count,
                characters[index + 6] == " " || characters[index + 6] == "\t"
            {
                index += 6
                skipBlanks()
                keyStart = index
            }
            while index < characters.count, characters[index].isASCII,
                characters[index].isLetter || characters[index].isNumber
                    || "_.-".contains(characters[index])
            { index += 1 }
            let key = String(characters[keyStart..<index])
            skipBlanks()
            guard index < characters.count, characters[index] == "=" else {
                throw fail(key.isEmpty ? "is not KEY=VALUE, a comment or blank" : "`\(key)` is not followed by `=`; write KEY=VALUE")
            }
            guard let first = key.first, first.isLetter || first == "_" else {
                throw fail(
                    key.isEmpty ? "has `=` but no key before it" : "`\(key)` is not a variable name (letters, digits, _; not starting with a digit)")
            }
            index += 1
            skipBlanks()
            let valueLine = line
            var value = ""
            if index < characters.count, characters[index] == "'" || characters[index] == "\"" {
                let quote = characters[index]
                index += 1
                while true {
                    guard index < characters.count else {
                        throw fail("the \(quote == "'" ? "single" : "double") quote opened here is never closed", at: valueLine)
                    }
                    let character = characters[index]
                    index += 1
                    if character == quote { break }
                    if isNewline(character) { line += 1 }
                    if quote == "\"", character == "\\", index < characters.count {
                        let escaped = characters[index]
                        index += 1
                        switch escaped {
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "\\", "\"", "'", "$": value.append(escaped)
                        default: value.append(character); value.append(escaped)  // unknown escapes stay as written
                        }
                        continue
                    }
                    value.append(character)
                }
                try endOfLine()
            } else {
                // Unquoted: up to the end of the line or a `#` that follows whitespace.
                while index < characters.count, !isNewline(characters[index]) {
                    if characters[index] == "#", characters[index - 1] == " " || characters[index - 1] == "\t" { break }
                    value.append(characters[index])
                    index += 1
                }
                while let last = value.last, last == " " || last == "\t" { value.removeLast() }
                try endOfLine()
            }
            values[key] = value
        }
        return values
    }
}
