import Foundation

/// The managed resources, each backed by its management commands.
enum ResourceCatalog {
    static let all: [ManagedResource] = [accounts, devices, dids, providers, routes, rates]

    static func named(_ id: String) -> ManagedResource? { all.first { $0.id == id } }

    static let accounts = ManagedResource(
        id: "accounts", title: "Accounts", singular: "account",
        description: "Customers: billing, limits, allowed and denied prefixes, blocks.",
        key: { "\($0["name"] ?? "")" },
        columns: [("name", "Name"), ("billing", "Billing"), ("balance", "Balance"), ("creditLimit", "Credit limit"), ("maxCalls", "Max calls"),
                  ("devices", "Devices"), ("blocked", "Blocked")],
        fields: [
            .init(name: "name", label: "Name", help: "Letters, digits, '.', '_', '-'.", required: true),
            .init(name: "billing", label: "Billing", kind: .select, options: ["", "prepaid", "postpaid"]),
            .init(name: "balance", label: "Balance", help: "Money, such as 25.00."),
            .init(name: "creditLimit", label: "Credit limit", help: "Postpaid accounts: how far below zero they may go."),
            .init(name: "maxCalls", label: "Max concurrent calls", kind: .number),
            .init(name: "maxCallDuration", label: "Max call duration (seconds)", kind: .number),
            .init(name: "allowPrefixes", label: "Allowed prefixes", help: "Comma-separated; empty: every destination the routes reach."),
            .init(name: "denyPrefixes", label: "Denied prefixes", help: "Comma-separated; always refused."),
            .init(name: "blockReason", label: "Block with reason", help: "Blocks the account: its calls are refused.", editOnly: true),
            .init(name: "unblock", label: "Lift the block", kind: .checkbox, editOnly: true),
        ],
        list: { session throws(ManagementError) in try AccountCommands(session: session).list(json: true) },
        show: { session, key, _ throws(ManagementError) in try AccountCommands(session: session).show(key, json: true) },
        create: { session, form throws(ManagementError) in
            try AccountCommands(session: session).add(name: form.text("name") ?? "", changes: accountChanges(form, creating: true))
        },
        update: { session, key, form throws(ManagementError) in
            try AccountCommands(session: session).set(key, changes: accountChanges(form, creating: false))
        },
        remove: { session, key throws(ManagementError) in try AccountCommands(session: session).remove(key) },
        customerAccountKey: "id")

    static func accountChanges(_ form: FormValues, creating: Bool) -> AccountCommands.Changes {
        AccountCommands.Changes(
            name: creating ? nil : form.text("name"), billing: form.text("billing"), creditLimit: form.text("creditLimit"), balance: form.text("balance"),
            blockReason: form.text("blockReason"), unblock: form.flag("unblock"), maxCalls: form.text("maxCalls"),
            maxCallDuration: form.text("maxCallDuration"), allowPrefixes: form["allowPrefixes"].map { $0.trimmingCharacters(in: .whitespaces) },
            denyPrefixes: form["denyPrefixes"].map { $0.trimmingCharacters(in: .whitespaces) })
    }

    static let devices = ManagedResource(
        id: "devices", title: "Devices", singular: "device",
        description: "SIP identities: only digest HA1 values of their passwords are stored.",
        key: { "\($0["username"] ?? "")" },
        columns: [("username", "Username"), ("account", "Account"), ("callerID", "Caller ID"), ("maxCalls", "Max calls"),
                  ("allowedNetworks", "Networks"), ("registrations", "Registered"), ("dids", "DIDs")],
        fields: [
            .init(name: "username", label: "Username", help: "The SIP user name.", required: true, createOnly: true),
            .init(name: "account", label: "Account", help: "Name or id; empty: a new account named after the device."),
            .init(name: "password", label: "Password", kind: .password, help: "Empty: a strong one is made and shown once."),
            .init(name: "callerID", label: "Caller ID"),
            .init(name: "maxContacts", label: "Max registrations", kind: .number),
            .init(name: "maxCalls", label: "Max concurrent calls", kind: .number),
            .init(name: "allowedNetworks", label: "Allowed networks", help: "Comma-separated CIDR networks; empty: anywhere."),
            .init(name: "aliases", label: "Extensions", help: "Comma-separated short numbers that ring it."),
        ],
        list: { session throws(ManagementError) in try DeviceCommands(session: session).list(account: nil, json: true) },
        show: { session, key, _ throws(ManagementError) in try DeviceCommands(session: session).show(username: key, json: true) },
        create: { session, form throws(ManagementError) in
            let source: PasswordSource = form.text("password").map { .value($0) } ?? .generate
            let output = try DeviceCommands(session: session).add(username: form.text("username") ?? "", password: source, settings: deviceSettings(form))
            return source == .generate ? "Device \(form.text("username") ?? "") added. Its password, shown only now: \(output.trimmingCharacters(in: .newlines))" : output
        },
        update: { session, key, form throws(ManagementError) in
            let source: PasswordSource? = form.text("password").map { .value($0) }
            let settings = deviceSettings(form)
            if settings == DeviceSettings(), source == nil { return "nothing changed\n" }
            return try DeviceCommands(session: session).set(username: key, password: source, settings: settings)
        },
        remove: { session, key throws(ManagementError) in try DeviceCommands(session: session).remove(username: key) },
        customerAccountKey: "accountId")

    static func deviceSettings(_ form: FormValues) -> DeviceSettings {
        let networks = form.list("allowedNetworks")
        return DeviceSettings(
            account: form.text("account"), callerID: form["callerID"].map { $0.trimmingCharacters(in: .whitespaces) }, maxContacts: form.text("maxContacts"),
            allowedNetworks: networks, clearAllowedNetworks: form["allowedNetworks"] != nil && networks.isEmpty, maxCalls: form.text("maxCalls"),
            aliases: form["aliases"])
    }

    static let dids = ManagedResource(
        id: "dids", title: "DIDs", singular: "DID",
        description: "Numbers from providers that ring a device.",
        key: { "\($0["number"] ?? "")" },
        columns: [("number", "Number"), ("device", "Device")],
        fields: [
            .init(name: "number", label: "Number", help: "As providers send it, such as +442071234567.", required: true),
            .init(name: "device", label: "Device", help: "The device's username.", required: true),
        ],
        list: { session throws(ManagementError) in try DIDCommands(session: session).list(json: true) },
        show: nil,
        create: { session, form throws(ManagementError) in
            try DIDCommands(session: session).add(number: form.text("number") ?? "", device: form.text("device") ?? "")
        },
        update: nil,
        remove: { session, key throws(ManagementError) in try DIDCommands(session: session).remove(number: key) })

    static let providers = ManagedResource(
        id: "providers", title: "Providers", singular: "provider",
        description: "Carriers outbound calls are routed to, and how their calls are recognised.",
        key: { "\($0["name"] ?? "")" },
        columns: [("name", "Name"), ("hosts", "Hosts"), ("port", "Port"), ("transport", "Transport"), ("identification", "Identified by"),
                  ("enabled", "Enabled")],
        fields: [
            .init(name: "name", label: "Name", required: true, createOnly: true),
            .init(name: "hosts", label: "Hosts", help: "Comma-separated addresses or names.", required: true),
            .init(name: "port", label: "Port", kind: .number),
            .init(name: "transport", label: "Transport", kind: .select, options: ["", "udp", "tcp", "tls"]),
            .init(name: "techPrefix", label: "Tech prefix"),
            .init(name: "identification", label: "Identify calls by", kind: .select, options: ["", "ip", "registration"]),
            .init(name: "registerUsername", label: "Register as (username)"),
            .init(name: "password", label: "Registration password", kind: .password, help: "Only needed when the switch registers to it."),
            .init(name: "enabled", label: "Enabled", kind: .select, options: ["", "true", "false"]),
        ],
        list: { session throws(ManagementError) in try ProviderCommands(session: session).list(json: true) },
        show: { session, key, _ throws(ManagementError) in try ProviderCommands(session: session).show(key, json: true) },
        create: { session, form throws(ManagementError) in
            try ProviderCommands(session: session).add(
                name: form.text("name") ?? "", settings: providerSettings(form), password: form.text("password").map { .value($0) })
        },
        update: { session, key, form throws(ManagementError) in
            try ProviderCommands(session: session).set(key, settings: providerSettings(form), password: form.text("password").map { .value($0) })
        },
        remove: { session, key throws(ManagementError) in try ProviderCommands(session: session).remove(key) })

    static func providerSettings(_ form: FormValues) -> ProviderSettings {
        ProviderSettings(
            hosts: form.list("hosts"), port: form.text("port"), transport: form.text("transport"), techPrefix: form.text("techPrefix"),
            identification: form.text("identification"), registerUsername: form.text("registerUsername"),
            enabled: form.text("enabled").map { $0 == "true" })
    }

    static let routes = ManagedResource(
        id: "routes", title: "Routes", singular: "route",
        description: "Outbound routing: the longest matching prefix wins; then priority.",
        key: { "\($0["prefix"] ?? "")~\($0["provider"] ?? "")" },
        columns: [("prefix", "Prefix"), ("provider", "Provider"), ("priority", "Priority"), ("strip", "Strip"), ("add", "Add")],
        fields: [
            .init(name: "prefix", label: "Prefix", help: "Digits, with + for international numbers.", required: true),
            .init(name: "provider", label: "Provider", required: true),
            .init(name: "priority", label: "Priority", kind: .number, help: "Lower first."),
            .init(name: "strip", label: "Digits to strip", kind: .number),
            .init(name: "add", label: "Prefix to add"),
        ],
        list: { session throws(ManagementError) in try RouteCommands(session: session).list(json: true) },
        show: nil,
        create: { session, form throws(ManagementError) in
            try RouteCommands(session: session).add(
                prefix: form.text("prefix") ?? "", provider: form.text("provider") ?? "", priority: form.text("priority"), strip: form.text("strip"),
                add: form.text("add"))
        },
        update: nil,
        remove: { session, key throws(ManagementError) in
            let parts = key.split(separator: "~", maxSplits: 1).map(String.init)
            return try RouteCommands(session: session).remove(prefix: parts.first ?? "", provider: parts.count > 1 ? parts[1] : nil)
        })

    static let rates = ManagedResource(
        id: "rates", title: "Rates", singular: "rate",
        description: "What calls cost per prefix: default rates, or an account's own.",
        key: { "\($0["id"] ?? "")" },
        columns: [("prefix", "Prefix"), ("account", "Account"), ("pricePerMinute", "Per minute"), ("connectionFee", "Connection fee"),
                  ("incrementSeconds", "Increment (s)"), ("minimumSeconds", "Minimum (s)")],
        fields: [
            .init(name: "prefix", label: "Prefix", required: true),
            .init(name: "price", label: "Price per minute", help: "Such as 0.0150.", required: true),
            .init(name: "connectionFee", label: "Connection fee"),
            .init(name: "increment", label: "Billing increment (seconds)", kind: .number),
            .init(name: "minimum", label: "Minimum billed (seconds)", kind: .number),
            .init(name: "account", label: "Account", help: "Empty: the default rate for every account."),
        ],
        list: { session throws(ManagementError) in try RateCommands(session: session).list(account: nil, json: true) },
        show: nil,
        create: { session, form throws(ManagementError) in
            try RateCommands(session: session).add(
                prefix: form.text("prefix") ?? "",
                pricing: .init(price: form.text("price") ?? "", connectionFee: form.text("connectionFee"), increment: form.text("increment"), minimum: form.text("minimum")),
                account: form.text("account"))
        },
        update: nil,
        remove: { session, key throws(ManagementError) in try RateCommands(session: session).remove(key) })
}
