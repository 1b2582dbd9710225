/// Where a day-by-day source's first sync starts when its `*_START_DATE` is unset: this
/// many days before today in the report's zone.
public enum FirstSyncStart {
    public static let daysBack = 30
    public static var description: String { "\(daysBack) days ago" }
}
