/// One named step of the ledger's format: the statements that take a dataset's ledger
/// from `version - 1` to `version`. A released step never changes, because ledgers in the
/// field already carry its effect; a change to the format is a new step (see
/// `LedgerMigrator`).
struct LedgerMigration: Sendable {
    /// The ledger version this step produces: 1 for the first, then one more each.
    let version: Int
    /// What the step does, in a few words (`createLoadsStateAndColumns`); named in
    /// the error when one of its statements fails.
    let name: String
    /// The step's statements for one dataset in one dialect, run in the open's migration
    /// transaction together with every other pending step and the version's write.
    let statements: @Sendable (LedgerSQL) -> [String]
}
