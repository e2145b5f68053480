import SecurityEvents

/// Address text conversions, shared with `SecurityEvents.IPNetwork` (one implementation of
/// inet_pton/inet_ntop for the whole server).
enum IPNetworkText {
    static func addressBytes(_ text: String) -> [UInt8]? { IPNetwork.addressBytes(text) }
    static func text(of bytes: [UInt8]) -> String { IPNetwork.text(of: bytes) }
}
