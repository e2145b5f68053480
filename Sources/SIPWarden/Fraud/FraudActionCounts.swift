/// What the fraud service has carried out since start, for the metrics.
struct FraudActionCounts: Sendable, Equatable {
    /// Alerts sent (after duplicate suppression).
    var alerts = 0
    /// Accounts blocked (a block of an account already blocked is not counted).
    var blocks = 0
    /// Live calls hung up by block-and-hang-up.
    var hangUps = 0
}
