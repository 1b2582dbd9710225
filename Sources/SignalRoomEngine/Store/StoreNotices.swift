/// What a store repaired by itself, reported to whoever logs for the process. A store never
/// repairs in silence: an operator should learn that an index was lost.
public struct StoreNotices: Sendable {
    /// The state directory's index was missing and has been rebuilt from the histories:
    /// the directory, the open and closed runs found, and the histories that are damaged.
    public var indexRebuilt: @Sendable (_ state: String, _ open: Int, _ closed: Int, _ damaged: [HistoryDamagedError]) -> Void

    public init(indexRebuilt: @escaping @Sendable (String, Int, Int, [HistoryDamagedError]) -> Void = { _, _, _, _ in }) {
        self.indexRebuilt = indexRebuilt
    }
}
