import NIOCore
import NIOEmbedded
import SIPTransport
import Testing

/// The TCP/TLS connection caps: an IPv6 source is counted by its /64, as the Guard counts
/// offenders, so that one /64 cannot fill the server.
@Suite("Connection table")
struct ConnectionTableTests {
    @Test("connections from one IPv6 /64 share the per-source cap; another /64 and IPv4 sources have their own")
    func ipv6ByPrefix() throws {
        let table = ConnectionTable(maxPerIP: 2, maxTotal: 100)
        func admit(_ ip: String, port: Int) throws -> ConnectionTable.Admission {
            table.admit(EmbeddedChannel(), remote: try SocketAddress(ipAddress: ip, port: port))
        }
        #expect(try admit("2001:db8:1:2::1", port: 1) == .admitted)
        #expect(try admit("2001:db8:1:2:ffff::9", port: 2) == .admitted)
        #expect(try admit("2001:db8:1:2:aaaa:bbbb:cccc:dddd", port: 3) == .refusedPerIP, "a third address of the same /64")
        #expect(try admit("2001:db8:1:3::1", port: 4) == .admitted, "another /64")
        #expect(try admit("192.0.2.1", port: 5) == .admitted)
        #expect(try admit("192.0.2.2", port: 6) == .admitted)
        table.release(remote: try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1))
        #expect(try admit("2001:db8:1:2::77", port: 7) == .admitted)
        #expect(table.count == 5)
    }

    @Test("the prefix follows guard.ipv6_prefix")
    func otherPrefix() throws {
        let table = ConnectionTable(maxPerIP: 1, maxTotal: 100, ipv6PrefixLength: 128)
        #expect(table.admit(EmbeddedChannel(), remote: try SocketAddress(ipAddress: "2001:db8::1", port: 1)) == .admitted)
        #expect(table.admit(EmbeddedChannel(), remote: try SocketAddress(ipAddress: "2001:db8::2", port: 1)) == .admitted)
    }
}
