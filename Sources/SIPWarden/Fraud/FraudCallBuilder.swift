import Fraud
import Switch

/// A call as the fraud monitors see it, from its record: the number in international form,
/// its country calling code, and whether it is on the high-risk list (checked against the
/// list itself, whatever the account may call: an attempt refused by the list still counts).
struct FraudCallBuilder: Sendable {
    let accessCodes: [String]
    let policy: DestinationPolicy

    init(settings: CallSettings) {
        self.accessCodes = settings.accessCodes
        self.policy = DestinationPolicy(denyList: CallSettingsReader.denyList(settings))
    }

    func call(_ record: CallRecordDraft) -> FraudCall {
        var call = FraudCall(callID: record.callID, accountId: record.accountId, deviceId: record.deviceId, sourceIP: record.sourceIP)
        // Only calls that leave the switch count for numbers, countries and risk; a call to
        // an extension or DID is not a destination anyone pays for.
        guard record.destinationKind != .device, !record.dialledNumber.isEmpty,
            let number = try? DialledNumber(parsing: record.dialledNumber, accessCodes: accessCodes)
        else { return call }
        call.number = number.ruleForm
        call.country = number.international.flatMap(CallingCodes.code(of:))
        call.isRiskyDestination = policy.highRiskEntry(for: number) != nil
        return call
    }
}
