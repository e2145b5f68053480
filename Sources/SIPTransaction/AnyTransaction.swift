/// One of the four transaction machines, as a `TransactionTable` holds them.
public enum AnyTransaction: Sendable {
    case inviteServer(InviteServerTransaction)
    case nonInviteServer(NonInviteServerTransaction)
    case inviteClient(InviteClientTransaction)
    case nonInviteClient(NonInviteClientTransaction)

    public var isTerminated: Bool {
        switch self {
        case .inviteServer(let transaction): return transaction.state == .terminated
        case .nonInviteServer(let transaction): return transaction.state == .terminated
        case .inviteClient(let transaction): return transaction.state == .terminated
        case .nonInviteClient(let transaction): return transaction.state == .terminated
        }
    }

    public var nextDeadline: SIPInstant? {
        switch self {
        case .inviteServer(let transaction): return transaction.nextDeadline
        case .nonInviteServer(let transaction): return transaction.nextDeadline
        case .inviteClient(let transaction): return transaction.nextDeadline
        case .nonInviteClient(let transaction): return transaction.nextDeadline
        }
    }

    public var pendingTimers: [ScheduledTimer] {
        switch self {
        case .inviteServer(let transaction): return transaction.pendingTimers
        case .nonInviteServer(let transaction): return transaction.pendingTimers
        case .inviteClient(let transaction): return transaction.pendingTimers
        case .nonInviteClient(let transaction): return transaction.pendingTimers
        }
    }

    mutating func advance(to now: SIPInstant) -> [TransactionAction] {
        switch self {
        case .inviteServer(var transaction):
            defer { self = .inviteServer(transaction) }
            return transaction.advance(to: now)
        case .nonInviteServer(var transaction):
            defer { self = .nonInviteServer(transaction) }
            return transaction.advance(to: now)
        case .inviteClient(var transaction):
            defer { self = .inviteClient(transaction) }
            return transaction.advance(to: now)
        case .nonInviteClient(var transaction):
            defer { self = .nonInviteClient(transaction) }
            return transaction.advance(to: now)
        }
    }

    mutating func transportError(now: SIPInstant) -> [TransactionAction] {
        switch self {
        case .inviteServer(var transaction):
            defer { self = .inviteServer(transaction) }
            return transaction.transportError(now: now)
        case .nonInviteServer(var transaction):
            defer { self = .nonInviteServer(transaction) }
            return transaction.transportError(now: now)
        case .inviteClient(var transaction):
            defer { self = .inviteClient(transaction) }
            return transaction.transportError(now: now)
        case .nonInviteClient(var transaction):
            defer { self = .nonInviteClient(transaction) }
            return transaction.transportError(now: now)
        }
    }
}
