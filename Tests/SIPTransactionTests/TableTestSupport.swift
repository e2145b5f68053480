import SIPCore
import SIPTransaction

typealias Table = TransactionTable<String>

/// An outcome as a short string; transactions named by their index in `ids`.
func describe(_ outcome: Table.RequestOutcome, ids: [TransactionID]) -> String {
    func name(_ id: TransactionID) -> String { ids.firstIndex(of: id).map { "#\($0)" } ?? "new" }
    switch outcome {
    case .created(let output): return "created \(describe(output.actions))"
    case .cancel(let output, let invite): return "cancel of \(name(invite)) \(describe(output.actions))"
    case .cancelWithoutInvite(let output): return "cancel without INVITE \(describe(output.actions))"
    case .matched(let output): return "matched \(name(output.id)) \(describe(output.actions))"
    case .ackWithoutTransaction: return "ACK without transaction"
    case .refused: return "refused"
    case .unmatchable: return "unmatchable"
    }
}

/// The output of an outcome that has one.
func output(_ outcome: Table.RequestOutcome) -> Table.Output? {
    switch outcome {
    case .created(let output), .cancel(let output, _), .cancelWithoutInvite(let output), .matched(let output): return output
    case .ackWithoutTransaction, .refused, .unmatchable: return nil
    }
}

/// A transaction's kind and state, as "inviteServer.confirmed"; "gone" once removed.
func stateText(_ transaction: AnyTransaction?) -> String {
    switch transaction {
    case .inviteServer(let transaction): return "inviteServer.\(transaction.state)"
    case .nonInviteServer(let transaction): return "nonInviteServer.\(transaction.state)"
    case .inviteClient(let transaction): return "inviteClient.\(transaction.state)"
    case .nonInviteClient(let transaction): return "nonInviteClient.\(transaction.state)"
    case nil: return "gone"
    }
}
