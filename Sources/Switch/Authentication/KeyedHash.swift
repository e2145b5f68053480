import Crypto

/// HMAC-SHA-256 (RFC 2104) with the key's inner and outer pads absorbed once: each MAC then
/// costs the message and two finishing blocks, not the key set-up as well. Nonces are made and
/// checked for every challenged and every authenticated request, so this is on the hot path.
/// `KeyedHashTests` checks it against swift-crypto's `HMAC<SHA256>`.
struct KeyedHash: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        let blockSize = 64
        var padded = key.count > blockSize ? Array(SHA256.hash(data: key)) : key
        padded += [UInt8](repeating: 0, count: blockSize - padded.count)
        var inner = SHA256()
        inner.update(data: padded.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: padded.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// The 32-byte MAC of `message`.
    func mac(_ message: [UInt8]) -> [UInt8] {
        // SHA256 is a value: each copy hashes on from the saved pad state.
        var innerHash = inner
        innerHash.update(data: message)
        var outerHash = outer
        outerHash.update(data: Array(innerHash.finalize()))
        return Array(outerHash.finalize())
    }
}
