import SIPCore
import SIPTransport

/// Call transfer (RFC 3515 REFER, RFC 5589 blind transfer) through the switch. A REFER is
/// a request to make someone else place a call: passed through as it is, it would let a
/// party have the other one (another customer's phone, or a carrier) call any number on its
/// own bill, past every check. So:
/// - a REFER is refused (403) unless it comes from a device whose account allows transfers;
/// - an allowed one is forwarded with its Refer-To replaced by a one-time URI of the switch
///   (`sip:NUMBER@switch;xfer=TOKEN`, a `TransferGrant`); only blind transfers to a number
///   are carried (a Refer-To with embedded headers, such as Replaces, is refused);
/// - the transferee's INVITE to that URI, from the transferee's own address, is routed as a
///   new call of the transferring device: dial plan, destination policy, rating, limits and
///   fraud monitors as if it had dialled the number, billed to its account, its record
///   linked to the call the REFER came in.
extension SIPEngine {
    /// Why a REFER is refused.
    struct TransferRefusal: Error {
        var status: Int
        var reason: String
    }

    /// The edits that forward an allowed REFER (its Refer-To replaced), or why it is refused.
    func admitTransfer(_ request: inout SIPMessage, call: ActiveCall, side: HangupSide, calls: CallServices) -> Result<HeaderEdits, TransferRefusal> {
        let notAllowed = TransferRefusal(status: 403, reason: "Forbidden - call transfer is not allowed")
        guard let deviceId = side == .caller ? call.callerDeviceId : call.calleeDeviceId,
            let device = callers?.directory.directory.devicesById[deviceId],
            let policy = calls.routing.accounts[device.accountId], policy.allowsTransfers, !policy.blocked
        else { return .failure(notAllowed) }
        // RFC 3515 §2.4.1: exactly one Refer-To.
        guard let referTo = try? request.nameAddresses(.referTo), referTo.count == 1, case .sip(let target) = referTo[0].uri,
            let user = target.user, let number = target.decodedUser
        else {
            return .failure(TransferRefusal(status: 400, reason: "Bad Request - Refer-To must name one SIP URI with a number"))
        }
        guard !target.hasHeaders else {
            return .failure(TransferRefusal(status: 403, reason: "Forbidden - only blind transfers are carried (no Replaces)"))
        }
        let other = side.opposite
        guard let transferee = call.endpoint(of: other),
            let host = calls.network.address(transport: transferee.transport, ipv6: transferee.address.isIPv6)
        else { return .failure(TransferRefusal(status: 503, reason: "Service Unavailable")) }
        let grant = calls.transfers.issue(
            transferorDeviceId: device.id, accountId: device.accountId, callID: call.record.callID,
            number: String(decoding: number, as: UTF8.self), transferee: transferee, transfereeProviderId: call.providerId(of: other),
            now: callers?.wallClock() ?? 0)
        let scheme = transferee.transport == .tls ? "sips" : "sip"
        var edits = HeaderEdits()
        edits.removed = [.referTo, .referredBy]
        edits.added = [
            (.referTo, "<\(scheme):\(user.string)@\(host);\(TransferGrant.parameter)=\(grant.token)>"),
            // The transferor as the switch knows it, not as it says (RFC 3892).
            (.referredBy, "<\(scheme):\(device.username)@\(host)>"),
        ]
        logger.info("transfer allowed", metadata: [
            "call_id": "\(SafeText.escape(call.record.callID))", "by": "\(device.username)", "number": "\(SafeText.escape(grant.number))",
        ])
        return .success(edits)
    }

    /// The transfer grant a new INVITE presents: its Request-URI's `xfer` token names a live
    /// grant whose transferee is this request's source. nil otherwise (the INVITE is then
    /// identified as any other).
    func transferGrant(_ request: inout SIPMessage, peer: SIPPeer, now: Int64) -> TransferGrant? {
        guard let calls, calls.transfers.count > 0, case .sip(let uri)? = try? request.requestURI(),
            let token = uri.parameters[TransferGrant.parameter]?.value, let grant = calls.transfers.grant(token, now: now)
        else { return nil }
        if grant.transferee.transport == peer.transport && grant.transferee.address == peer.remote { return grant }
        if let providerId = grant.transfereeProviderId,
            callers?.directory.directory.provider(ip: peer.remote.rawIPBytes, port: peer.remote.port ?? 0, transport: peer.transport)?.providerId == providerId
        {
            return grant
        }
        return nil
    }
}
