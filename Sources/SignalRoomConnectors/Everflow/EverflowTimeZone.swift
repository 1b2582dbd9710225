import Foundation

/// The report's zone as Everflow names it: a numeric `timezone_id` in the request, and the
/// same zone by IANA name for turning date ids into days and for "yesterday". Both come from
/// one `REPORT_TIMEZONE`, so the days Everflow buckets are the days the window counts.
///
/// Only ids the reference documents are mapped (`../shared/reference/apis.md`: 80 =
/// America/New_York). A zone without a known id is refused rather than sent as 80: Everflow
/// would answer with New York's days under the other zone's dates, with nothing to show it.
public struct EverflowTimeZone: Sendable, Hashable {
    public let zone: TimeZone
    public let id: Int

    /// IANA name → Everflow `timezone_id`. `US/Eastern` is tzdata's alias of New York.
    public static let knownIds: [String: Int] = ["America/New_York": 80, "US/Eastern": 80]

    /// nil when Everflow's id for `zone` is not known.
    public init?(_ zone: TimeZone) {
        guard let id = Self.knownIds[zone.identifier] else { return nil }
        self.zone = zone
        self.id = id
    }

    /// The zones that can be used, for error messages: "America/New_York (80), US/Eastern (80)".
    public static var supported: String {
        knownIds.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    }
}
