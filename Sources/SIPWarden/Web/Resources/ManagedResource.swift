import Foundation

/// A kind of thing the console and the API manage (accounts, devices, …): how to list,
/// create, change and remove it, all by the management commands the CLI uses. Form fields
/// and API JSON fields have the same names.
struct ManagedResource: Sendable {
    struct Field: Sendable {
        enum Kind: String, Sendable { case text, password, number, checkbox, select }
        let name: String
        let label: String
        var kind: Kind = .text
        var help: String? = nil
        var required = false
        var options: [String] = []
        /// Only when creating (a username cannot change).
        var createOnly = false
        /// Only when changing (unblock).
        var editOnly = false
    }

    typealias Command = @Sendable (ManagementSession) throws(ManagementError) -> String
    typealias Create = @Sendable (ManagementSession, FormValues) throws(ManagementError) -> String
    typealias Change = @Sendable (ManagementSession, String, FormValues) throws(ManagementError) -> String
    typealias Remove = @Sendable (ManagementSession, String) throws(ManagementError) -> String

    let id: String
    let title: String
    let singular: String
    let description: String
    /// The item's key in the URL, from its JSON.
    let key: @Sendable ([String: Any]) -> String
    let columns: [(key: String, title: String)]
    let fields: [Field]
    let list: Command
    let show: Change?
    let create: Create
    let update: Change?
    let remove: Remove
    /// The JSON key holding the account id, for customers (who see their own only).
    var customerAccountKey: String? = nil

    var hasDetail: Bool { show != nil }
}

extension FormValues {
    /// A comma- or newline-separated list.
    func list(_ name: String) -> [String] {
        (values[name] ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
