import Foundation
import SIPCore

/// Who a call says it is from, as the switch lets it say (RFC 3325 asserted identity,
/// RFC 3323 privacy). A device's From, P-Asserted-Identity, P-Preferred-Identity,
/// Remote-Party-ID and Diversion are its own claims: a customer could present another
/// customer's number, or a bank's. So the switch
/// - takes every identity header off requests from devices, guests and untrusted providers;
/// - asserts a device's number itself: the number it asks for (From or
///   P-Preferred-Identity) when that is its caller ID or, with `callerIDChoice` `account`,
///   a DID of its account; else its caller ID, else a DID of its own or of its account,
///   else its username;
/// - toward a provider, writes that number in From (same tag) and, for a provider in the
///   trust domain (`trustedIdentity`), in P-Asserted-Identity too;
/// - toward a device, asserts the calling device's number, or passes on a trusted
///   provider's P-Asserted-Identity; never an untrusted one;
/// - honours privacy: a caller that asks for it (`Privacy: id`/`user`/`header`, or an
///   anonymous From) gets an anonymous From; the asserted identity still goes to a trusted
///   provider, with `Privacy: id` so that it goes no further, and to nobody else.
/// Pure: the directory and the request are passed in.
struct CallerIdentity: Sendable, Equatable {
    /// The number the switch asserts for the caller; nil when the caller is not a device
    /// (a provider's or a guest's call).
    var asserted: String?
    /// The identity a trusted provider asserted for its caller (its P-Asserted-Identity).
    var trustedAssertion: String?
    /// The caller asked not to be identified.
    var privacy: Bool

    /// The identity of a new call's caller. `payer` is the device whose call it is (the
    /// caller, or the device that transferred the call); `provider` the calling provider.
    static func of(_ request: inout SIPMessage, payer: DeviceCredentials?, provider: ProviderEndpoint?, directory: CallerDirectory) -> CallerIdentity {
        let privacy = requestsPrivacy(&request)
        guard let payer else {
            let trusted = provider?.trustedIdentity == true ? request.headers.values(.pAssertedIdentity).first?.string : nil
            return CallerIdentity(asserted: nil, trustedAssertion: trusted, privacy: privacy)
        }
        return CallerIdentity(asserted: number(for: payer, asking: presented(&request), directory: directory), trustedAssertion: nil, privacy: privacy)
    }

    /// The number asserted for `device`, given the numbers it asks for (in order).
    static func number(for device: DeviceCredentials, asking: [String], directory: CallerDirectory) -> String {
        let accountDIDs = directory.accountDIDs[device.accountId] ?? []
        for wanted in asking {
            if let callerID = device.callerID, sameNumber(wanted, callerID) { return callerID }
            guard device.callerIDChoice == .account else { continue }
            if let did = accountDIDs.first(where: { sameNumber($0, wanted) }) { return did }
        }
        return device.callerID ?? directory.deviceDIDs[device.id]?.first ?? accountDIDs.first ?? device.username
    }

    /// The edits that give a forwarded INVITE its identity headers toward `destination`:
    /// a provider (`trusted`: in the trust domain) or, with nil, a device. `host` is the
    /// switch's address toward the destination; `from` the request's From.
    func edits(towardProvider trusted: Bool?, host: String, from: inout SIPMessage) -> HeaderEdits {
        var edits = HeaderEdits()
        edits.removesIdentity = true
        let tag = (try? from.from().tag).map { ";tag=\($0.string)" } ?? ""
        let assertion = asserted.map { "<sip:\(Self.uriUser($0))@\(host)>" }
        if let trusted {
            // Toward a provider.
            guard let assertion else {
                // A provider's or guest's call sent back out: nothing is asserted for it.
                return edits
            }
            edits.from = privacy ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>\(tag)" : "\(assertion)\(tag)"
            if trusted {
                edits.added.append((.pAssertedIdentity, assertion))
                if privacy && !Self.hasPrivacyID(&from) {
                    edits.removed.insert(.privacy)
                    edits.added.append((.privacy, "id"))
                }
            }
        } else if !privacy {
            // Toward a device (outside the trust domain): an identity the switch can vouch
            // for, and only without a request for privacy.
            if let assertion {
                edits.added.append((.pAssertedIdentity, assertion))
            } else if let trustedAssertion {
                edits.added.append((.pAssertedIdentity, trustedAssertion))
            }
        }
        return edits
    }

    // MARK: - Reading the request

    /// The numbers a device's request asks to present: P-Preferred-Identity's, then From's.
    static func presented(_ request: inout SIPMessage) -> [String] {
        var numbers: [String] = []
        for address in (try? request.nameAddresses(.pPreferredIdentity)) ?? [] {
            if let user = user(of: address.uri) { numbers.append(user) }
        }
        if let from = try? request.from(), let user = user(of: from.uri) { numbers.append(user) }
        return numbers
    }

    /// RFC 3323 §4.2, RFC 3325 §7: privacy asked for with the Privacy header, or by an
    /// anonymous From (§4.1.1.3).
    static func requestsPrivacy(_ request: inout SIPMessage) -> Bool {
        if !privacyValues(&request).isDisjoint(with: ["id", "user", "header"]) { return true }
        guard let from = try? request.from() else { return false }
        if from.displayName?.lowercased() == "anonymous" { return true }
        return user(of: from.uri)?.lowercased() == "anonymous"
    }

    static func hasPrivacyID(_ request: inout SIPMessage) -> Bool {
        privacyValues(&request).contains("id")
    }

    /// RFC 3323 §4.2: `Privacy: priv-value *(";" priv-value)`, in lower case.
    static func privacyValues(_ request: inout SIPMessage) -> Set<String> {
        var values = Set<String>()
        for header in request.headers.values(.privacy) {
            for part in header.string.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                values.insert(part.trimmingCharacters(in: .whitespaces).lowercased())
            }
        }
        return values
    }

    private static func user(of uri: AnyURI) -> String? {
        switch uri {
        case .sip(let sip): return sip.decodedUser.map { String(decoding: $0, as: UTF8.self) }
        case .tel(let tel): return tel.number.string
        case .other: return nil
        }
    }

    /// Numbers compare without a leading `+` and visual separators (RFC 3966 §5.1.1).
    static func sameNumber(_ a: String, _ b: String) -> Bool {
        digits(a) == digits(b) && !digits(a).isEmpty
    }

    private static func digits(_ text: String) -> String {
        String(text.filter { !"+-.() ".contains($0) })
    }

    /// A number as a URI user part: only characters RFC 3261 §25.1 allows unescaped.
    static func uriUser(_ number: String) -> String {
        var output = ""
        for byte in number.utf8 {
            if byte.isUnreservedOrUserCharacter {
                output.append(Character(Unicode.Scalar(byte)))
            } else {
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }
}

extension UInt8 {
    /// RFC 3261 §25.1 `unreserved` and `user-unreserved`.
    fileprivate var isUnreservedOrUserCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return "-_.!~*'()&=+$,;?/".utf8.contains(self)
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
