import Synchronization

/// A blind transfer the switch allowed (RFC 3515 REFER): the transferee may call `number`
/// once, within the grant's life, as the transferring device. The Refer-To the transferee
/// receives names the switch with the grant's token (`sip:NUMBER@switch;xfer=TOKEN`); its
/// INVITE comes back with it and is routed and billed as the transferor's call.
public struct TransferGrant: Sendable, Equatable {
    /// 128 random bits, base64url: the capability the transferee's INVITE presents.
    public var token: String
    /// The device that sent the REFER, and its account (billed for the new call).
    public var transferorDeviceId: Int64
    public var accountId: Int64
    /// The call the REFER came in; the new call's record names it.
    public var callID: String
    /// What the transferee may dial (the Refer-To user part, as dialled).
    public var number: String
    /// Where the transferee's INVITE must come from: the address the switch knows it by,
    /// or any address of its provider.
    public var transferee: CallEndpoint
    public var transfereeProviderId: Int64?
    /// Unix milliseconds.
    public var expiresAt: Int64

    public init(
        token: String, transferorDeviceId: Int64, accountId: Int64, callID: String, number: String, transferee: CallEndpoint,
        transfereeProviderId: Int64?, expiresAt: Int64
    ) {
        self.token = token
        self.transferorDeviceId = transferorDeviceId
        self.accountId = accountId
        self.callID = callID
        self.number = number
        self.transferee = transferee
        self.transfereeProviderId = transfereeProviderId
        self.expiresAt = expiresAt
    }

    /// The URI parameter that carries the token.
    public static let parameter = "xfer"
    /// How long a transferee has to place its INVITE.
    public static let lifetimeMilliseconds: Int64 = 120_000
}

/// The live transfer grants, shared by the event loops. Bounded: past `capacity` the oldest
/// grant is dropped (its transfer then fails), so REFERs cannot grow memory.
public final class TransferGrants: Sendable {
    private struct State {
        var grants: [String: TransferGrant] = [:]
        var order: [String] = []
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// A new grant: its token is made here.
    public func issue(
        transferorDeviceId: Int64, accountId: Int64, callID: String, number: String, transferee: CallEndpoint, transfereeProviderId: Int64?,
        now: Int64
    ) -> TransferGrant {
        var generator = SystemRandomNumberGenerator()
        let token = Base64URL.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let grant = TransferGrant(
            token: token, transferorDeviceId: transferorDeviceId, accountId: accountId, callID: callID, number: number,
            transferee: transferee, transfereeProviderId: transfereeProviderId, expiresAt: now + TransferGrant.lifetimeMilliseconds)
        state.withLock { state in
            // Oldest first: used or expired grants, and any beyond the capacity.
            while let oldest = state.order.first,
                state.order.count >= capacity || (state.grants[oldest].map { $0.expiresAt <= now } ?? true)
            {
                state.order.removeFirst()
                state.grants[oldest] = nil
            }
            state.grants[token] = grant
            state.order.append(token)
        }
        return grant
    }

    /// The live grant `token` names, without using it.
    public func grant(_ token: String, now: Int64) -> TransferGrant? {
        state.withLock { state in
            guard let grant = state.grants[token], grant.expiresAt > now else { return nil }
            return grant
        }
    }

    /// Uses a grant up: true the first time, false after (a grant is good for one call).
    public func use(_ token: String, now: Int64) -> Bool {
        state.withLock { state in
            guard let grant = state.grants.removeValue(forKey: token) else { return false }
            return grant.expiresAt > now
        }
    }

    public var count: Int { state.withLock { $0.grants.count } }
}
