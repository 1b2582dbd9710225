/// JSON text that was refused, and where: `offset` is the byte (from 0) where the problem
/// starts, so a caller can say which part of a file is wrong.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
