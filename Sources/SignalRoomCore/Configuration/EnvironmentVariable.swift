/// One environment variable SignalRoom reads: its name, what it sets, the default used when
/// it is unset, and the part of the program it configures.
///
/// Descriptors are declared next to the code whose settings they feed, as static members,
/// so readers name them like enum cases; Workflows' `ConfigurationTable` lists them all, and
/// `signalroom sources` (and `doctor`-style checks, an `.env.example`) read that table.
///
/// ```swift
/// extension EnvironmentVariable {
///     static let everflowPageSize = EnvironmentVariable(
///         "EVERFLOW_PAGE_SIZE", group: .source("everflow"), default: "10000", help: "rows a page")
/// }
/// environment[.everflowPageSize]                                  // nil: unset or empty
/// EnvironmentVariable.everflowPageSize.valueOrDefault(in: environment)   // "10000"
/// ```
///
/// A variable set to the empty string counts as unset (`NAME=` in `.env` means "the
/// default"), except where `emptyIsAValue` says the empty string is read like any other
/// value: the command line's own settings, which refuse it (`SIGNALROOM_LOG_LEVEL=`).
public struct EnvironmentVariable: Sendable, Hashable, CustomStringConvertible {
    /// The part of the program a variable configures, as listings group them.
    public enum Group: Sendable, Hashable, CustomStringConvertible {
        /// The engine and its state directory: logging, parking, retention.
        case state
        /// One source's own settings (`source("everflow")`).
        case source(String)
        /// Settings more than one source reads (the client id, the report zone).
        case sources
        /// One notification channel's settings (`channel("slack")`).
        case channel(String)
        /// Where loads go and how they are staged.
        case warehouse
        /// HTTP to sources and channels: retries and timeouts.
        case http
        /// Report definitions, models, seeds and failure alerts.
        case reports
        /// Crash points for the process-level tests; never set them in production.
        case testing

        public var description: String {
            switch self {
            case .state: "state"
            case .source(let name): "source \(name)"
            case .sources: "sources"
            case .channel(let name): "channel \(name)"
            case .warehouse: "warehouse"
            case .http: "http"
            case .reports: "reports"
            case .testing: "testing"
            }
        }
    }

    public let name: String
    public let group: Group
    /// The part it configures fails without it (a source's API key), naming the variable.
    public let isRequired: Bool
    /// The text readers use when the variable is unset, parsed like a set value; empty when
    /// there is none or the default is computed (see `defaultDescription`).
    public let defaultValue: String
    /// What a computed default is ("30 days ago"); nil when `defaultValue` says it.
    public let defaultDescription: String?
    /// What the variable sets, without its default: "rows a page". Error messages about a
    /// missing variable quote it.
    public let help: String
    /// An empty value is read as given (and usually refused), not as unset.
    public let emptyIsAValue: Bool

    /// `1.0` as "1", `0.5` as "0.5": how a person would write a default in seconds.
    public static func text(seconds value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    public init(
        _ name: String, group: Group, required: Bool = false, emptyIsAValue: Bool = false, default defaultValue: String = "",
        defaultDescription: String? = nil, help: String
    ) {
        self.name = name
        self.group = group
        self.isRequired = required
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription
        self.emptyIsAValue = emptyIsAValue
        self.help = help
    }

    /// The default as a listing shows it, nil when there is none.
    public var shownDefault: String? { defaultDescription ?? (defaultValue.isEmpty ? nil : defaultValue) }

    /// The help text with its default, as `signalroom sources` lists it: "rows a page, default 10000".
    public var summary: String { shownDefault.map { "\(help), default \($0)" } ?? help }

    /// The value set in `environment`; nil when it is unset, or empty (unless `emptyIsAValue`).
    public func value(in environment: [String: String]) -> String? {
        guard let text = environment[name], !text.isEmpty || emptyIsAValue else { return nil }
        return text
    }

    /// The value set, else `defaultValue` (empty when there is none).
    public func valueOrDefault(in environment: [String: String]) -> String {
        value(in: environment) ?? defaultValue
    }

    /// The value set, parsed; the default, parsed, when it is unset or does not parse. For the
    /// few settings read leniently (`SIGNALROOM_LOAD_CHUNK_ROWS`); nil only when the default
    /// does not parse either (or there is none).
    public func parsed<T>(in environment: [String: String], as parse: (String) -> T?) -> T? {
        value(in: environment).flatMap(parse) ?? parse(defaultValue)
    }

    public func isSet(in environment: [String: String]) -> Bool { value(in: environment) != nil }

    public var description: String { name }
}

extension Dictionary where Key == String, Value == String {
    /// The value of `variable`, nil when it is unset or empty (see `EnvironmentVariable`):
    /// `environment[.everflowBaseURL]`.
    public subscript(variable: EnvironmentVariable) -> String? { variable.value(in: self) }
}
