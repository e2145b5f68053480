import SIPCore
import Testing

/// The generated classifier agrees with `canonicalName` and `compactForm` for every header.
@Suite("Header name table")
struct HeaderNameTableTests {
    @Test("every known name, in any case, and its compact form", arguments: SIPHeaderName.allCases.filter { $0 != .extensionHeader })
    func classify(_ name: SIPHeaderName) {
        #expect(SIPHeaderName(name.canonicalName) == name)
        #expect(SIPHeaderName(name.canonicalName.lowercased()) == name)
        #expect(SIPHeaderName(name.canonicalName.uppercased()) == name)
        if let compact = name.compactForm {
            #expect(SIPHeaderName(String(compact)) == name)
            #expect(SIPHeaderName(String(compact).uppercased()) == name)
        }
    }

    @Test("near misses are extension headers", arguments: ["", "Vias", "Vi", "X-Via", "Call-I", "q", "z", "Content-Lengths", "-", "1"])
    func nearMisses(_ text: String) {
        #expect(SIPHeaderName(text) == .extensionHeader)
    }
}
