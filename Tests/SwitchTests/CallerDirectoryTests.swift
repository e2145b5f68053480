import Switch
import Testing

/// Which device an extension rings.
@Suite("Caller directory")
struct CallerDirectoryTests {
    static func device(_ id: Int64, _ username: String) -> DeviceCredentials {
        DeviceCredentials(id: id, accountId: 1, username: username, realm: "sipwarden", ha1MD5: "", ha1SHA256: "")
    }

    @Test func anAliasRingsItsDeviceAndAUsernameComesFirst() {
        let directory = CallerDirectory(
            devices: [Self.device(1, "alice"), Self.device(2, "200")], aliases: ["1001": "alice", "200": "alice"])
        #expect(directory.extensionOwner("alice") == "alice")
        #expect(directory.extensionOwner("1001") == "alice")
        // A username is never shadowed by another device's alias.
        #expect(directory.extensionOwner("200") == "200")
        #expect(directory.extensionOwner("1002") == nil)
    }
}
