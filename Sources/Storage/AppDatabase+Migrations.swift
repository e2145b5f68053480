import GRDB

extension AppDatabase {
    /// Named migrations, applied in order. Never edit one that has shipped: add another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 accounts, devices, providers, DIDs, registrations") { db in
            // The paying customer. Money is kept in millionths of the currency unit: exact
            // sums, no floating point.
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("billing", .text).notNull().defaults(to: "prepaid")
                    .check { ["prepaid", "postpaid"].contains($0) }
                t.column("balanceMicros", .integer).notNull().defaults(to: 0)
                t.column("creditLimitMicros", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("blocked", .boolean).notNull().defaults(to: false)
                t.column("blockedReason", .text)
                t.column("createdAt", .datetime).notNull()
            }
            // A SIP identity. Only digest HA1 values are stored, never the password.
            try db.create(table: "device") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("account", onDelete: .restrict).notNull()
                // RFC 3261 §19.1.2: the user part compares case-sensitively.
                t.column("username", .text).notNull().unique()
                t.column("realm", .text).notNull()
                t.column("ha1MD5", .text).notNull()
                t.column("ha1SHA256", .text).notNull()
                t.column("callerID", .text)
                t.column("maxContacts", .integer).notNull().defaults(to: 3).check { $0 >= 1 }
                t.column("allowedNetworks", .jsonText).notNull().defaults(to: "[]")
                t.column("maxConcurrentCalls", .integer).notNull().defaults(to: 2).check { $0 >= 0 }
                t.column("createdAt", .datetime).notNull()
            }
            // A carrier: identified by source address, or registered to.
            try db.create(table: "provider") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("hosts", .jsonText).notNull().defaults(to: "[]")
                t.column("port", .integer).check { $0 == nil || ($0 >= 1 && $0 <= 65_535) }
                t.column("transport", .text).notNull().defaults(to: "udp")
                    .check { ["udp", "tcp", "tls"].contains($0) }
                t.column("techPrefix", .text).notNull().defaults(to: "")
                t.column("identification", .text).notNull().defaults(to: "ip")
                    .check { ["ip", "registration"].contains($0) }
                t.column("registerUsername", .text)
                t.column("registerRealm", .text)
                t.column("registerHA1MD5", .text)
                t.column("registerHA1SHA256", .text)
                t.column("registerExpires", .integer).notNull().defaults(to: 3600)
                t.column("registerCallID", .text).notNull().defaults(to: "keep")
                    .check { ["keep", "new"].contains($0) }
                t.column("enabled", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "did") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("number", .text).notNull().unique()
                t.belongsTo("device", onDelete: .cascade).notNull()
            }
            // A registrar binding (RFC 3261 §10.3), with where it came from (NAT).
            try db.create(table: "registration") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("device", onDelete: .cascade).notNull()
                t.column("contact", .text).notNull()
                t.column("q", .double)
                t.column("expiresAt", .datetime).notNull().indexed()
                t.column("callID", .text).notNull()
                t.column("cseq", .integer).notNull()
                t.column("sourceIP", .text).notNull()
                t.column("sourcePort", .integer).notNull()
                t.column("transport", .text).notNull()
                t.column("userAgent", .text)
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["deviceId", "contact"])
            }
        }
        migrator.registerMigration("v2 unidentified attempts, provider registration status") { db in
            // Requests nobody could be identified as: who probes, with what, and why they were
            // turned away. Written in batches by the server, read newest first.
            try db.create(table: "unidentifiedAttempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("occurredAt", .datetime).notNull().indexed()
                t.column("sourceIP", .text).notNull()
                t.column("sourcePort", .integer).notNull()
                t.column("transport", .text).notNull()
                t.column("method", .text).notNull()
                t.column("requestURI", .text).notNull()
                t.column("fromHeader", .text).notNull()
                t.column("toHeader", .text).notNull()
                t.column("contact", .text)
                t.column("userAgent", .text)
                t.column("callID", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("username", .text)
            }
            // The server's registration to each provider (RFC 3261 §10.2), for the operator.
            try db.create(table: "providerRegistrationStatus") { t in
                t.primaryKey("providerId", .integer)
                    .references("provider", onDelete: .cascade)
                t.column("state", .text).notNull()
                t.column("lastStatusCode", .integer)
                t.column("lastError", .text)
                t.column("registeredUntil", .datetime)
                t.column("nextAttemptAt", .datetime)
                t.column("callID", .text)
                t.column("updatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v3 bans, allowed networks, guard status") { db in
            // Every ban the Guard or an operator issued, kept after it is lifted or expires
            // (history for `ban explain`, offense counts for escalation). Active means not
            // lifted and not expired; an expired ban is lifted (by "expiry") at the next sweep.
            try db.create(table: "ban") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("network", .text).notNull()
                t.column("jail", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("evidence", .jsonText).notNull().defaults(to: "[]")
                t.column("startedAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
                t.column("liftedAt", .datetime)
                t.column("liftedBy", .text)
                t.column("createdBy", .text).notNull()
                t.column("offense", .integer).notNull().defaults(to: 1).check { $0 >= 1 }
            }
            // The server loads and sweeps the active bans: a partial index keeps that cheap
            // however long the history grows.
            try db.create(index: "ban_active", on: "ban", columns: ["expiresAt"], condition: Column("liftedAt") == nil)
            try db.create(index: "ban_network", on: "ban", columns: ["network", "startedAt"])
            // Networks the Guard never bans.
            try db.create(table: "allowedNetwork") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("network", .text).notNull().unique()
                t.column("note", .text).notNull().defaults(to: "")
                t.column("createdAt", .datetime).notNull()
                t.column("createdBy", .text).notNull()
            }
            // One row (id 1): the running server's snapshot of its jails, replaced every few
            // seconds, read by `sipwarden guard status`.
            try db.create(table: "guardStatus") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("updatedAt", .datetime).notNull()
                t.column("snapshot", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v4 outbound routes") { db in
            // Which providers carry calls to a number prefix, and how the number is written
            // for each. The prefix is in the form numbers are matched in (`+44`, `+`, or a
            // national prefix); the CHECKs keep anything else out even when written by hand.
            try db.create(table: "route") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("prefix", .text).notNull()
                    .check(sql: "length(prefix) BETWEEN 1 AND 33 AND prefix NOT GLOB '*[^0-9+*#]*'")
                t.belongsTo("provider", onDelete: .cascade).notNull()
                t.column("priority", .integer).notNull().defaults(to: 0)
                t.column("strip", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("add", .text).notNull().defaults(to: "")
                    .check(sql: #""add" NOT GLOB '*[^0-9+*#]*'"#)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["prefix", "providerId"])
            }
        }
        migrator.registerMigration("v5 call records, rates, account call limits") { db in
            // One row per call attempt the server finished, answered or not. No foreign keys:
            // a record is evidence and billing history, and outlives the account, device or
            // provider it names (the caller's name is copied for the same reason). Text taken
            // from the request is as the peer sent it: attacker-controlled.
            try db.create(table: "cdr") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("callID", .text).notNull()
                t.column("startedAt", .datetime).notNull().indexed()
                t.column("ringingAt", .datetime)
                t.column("answeredAt", .datetime)
                t.column("endedAt", .datetime).notNull()
                t.column("durationMillis", .integer).notNull().defaults(to: 0)
                t.column("billableSeconds", .integer).notNull().defaults(to: 0)
                t.column("callerKind", .text).notNull()
                t.column("accountId", .integer).indexed()
                t.column("deviceId", .integer).indexed()
                t.column("callerName", .text)
                t.column("providerId", .integer)
                t.column("sourceIP", .text).notNull()
                t.column("sourcePort", .integer).notNull()
                t.column("transport", .text).notNull()
                t.column("userAgent", .text)
                t.column("fromHeader", .text).notNull()
                t.column("toHeader", .text).notNull()
                t.column("contact", .text)
                t.column("requestURI", .text).notNull()
                t.column("dialledNumber", .text).notNull()
                t.column("destinationKind", .text).notNull()
                t.column("destination", .text)
                t.column("attempts", .jsonText).notNull().defaults(to: "[]")
                t.column("status", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("cause", .text).notNull().indexed()
                t.column("hangupBy", .text).notNull()
                t.column("costMicros", .integer).notNull().defaults(to: 0)
                t.column("ratePrefix", .text)
            }
            // What a call to a number prefix costs: an account's own rate, or (no account) the
            // default for every account. Prefixes are in the form routes use.
            try db.create(table: "rate") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("account", onDelete: .cascade)
                t.column("prefix", .text).notNull()
                    .check(sql: "length(prefix) BETWEEN 1 AND 33 AND prefix NOT GLOB '*[^0-9+*#]*'")
                t.column("pricePerMinuteMicros", .integer).notNull().check { $0 >= 0 }
                t.column("connectionFeeMicros", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("incrementSeconds", .integer).notNull().defaults(to: 1).check { $0 >= 1 }
                t.column("minimumSeconds", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("createdAt", .datetime).notNull()
            }
            // NULL never equals NULL in a unique index: without ifnull, two default rates of
            // one prefix would both be accepted.
            try db.execute(sql: "CREATE UNIQUE INDEX rate_account_prefix ON rate(ifnull(accountId, 0), prefix)")
            // Existing accounts get the same limits as new ones.
            try db.alter(table: "account") { t in
                t.add(column: "maxConcurrentCalls", .integer).notNull().defaults(to: 10).check { $0 >= 0 }
                t.add(column: "maxCallSeconds", .integer)
                t.add(column: "allowedPrefixes", .jsonText).notNull().defaults(to: "[]")
                t.add(column: "deniedPrefixes", .jsonText).notNull().defaults(to: "[]")
            }
        }
        migrator.registerMigration("v6 device aliases") { db in
            // Extensions other than the username that ring the device (RFC 3261 user parts),
            // unique across usernames and aliases: checked by the management commands.
            try db.alter(table: "device") { t in
                t.add(column: "aliases", .jsonText).notNull().defaults(to: "[]")
            }
        }
        migrator.registerMigration("v7 timed account blocks, action log, online samples, API keys") { db in
            // A block the switch placed for a while (fraud monitors with a block time); NULL:
            // until an operator lifts it.
            try db.alter(table: "account") { t in
                t.add(column: "blockedUntil", .datetime)
            }
            // Who did what, when, from where, and why: the switch's own actions (fraud
            // blocks, alerts) and operators' changes. Rows are never changed nor deleted.
            try db.create(table: "actionLog") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull().indexed()
                t.column("actor", .text).notNull()
                t.column("source", .text).notNull()
                t.column("action", .text).notNull().indexed()
                t.column("target", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("details", .jsonText).notNull().defaults(to: "{}")
                t.column("hackingAttempt", .boolean).notNull().defaults(to: false)
            }
            // How many devices were registered, sampled every few minutes: the online report.
            try db.create(table: "onlineSample") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull().indexed()
                t.column("devices", .integer).notNull()
                t.column("bindings", .integer).notNull()
            }
            // Keys of the event channel and the API. Only a SHA-256 of each key is kept: the
            // keys are 256-bit random values, so a slow hash adds nothing.
            try db.create(table: "apiKey") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("keyHash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("lastUsedAt", .datetime)
            }
        }
        migrator.registerMigration("v8 console users and sessions") { db in
            // People who log in to the web console. Passwords are bcrypt hashes; the TOTP
            // secret must be readable to check codes (RFC 6238 §5.1 asks that it be
            // protected: the database file is owner-only); recovery codes are SHA-256 hex,
            // each usable once.
            try db.create(table: "consoleUser") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull().check(sql: "role IN ('admin', 'operator', 'customer')")
                t.belongsTo("account", onDelete: .cascade)
                t.column("passwordHash", .text).notNull()
                t.column("totpSecret", .text)
                t.column("totpConfirmed", .boolean).notNull().defaults(to: false)
                // The last 30-second step a code was accepted for: a code is good once
                // (RFC 6238 §5.2).
                t.column("totpLastStep", .integer).notNull().defaults(to: 0)
                t.column("recoveryCodes", .jsonText).notNull().defaults(to: "[]")
                t.column("createdAt", .datetime).notNull()
                t.column("lastLoginAt", .datetime)
                t.column("lastLoginSource", .text)
            }
            // Logged-in browsers. Only a SHA-256 of the cookie's 256-bit token is kept, so a
            // copy of the database opens no session.
            try db.create(table: "consoleSession") { t in
                t.primaryKey("tokenHash", .text)
                t.belongsTo("consoleUser", onDelete: .cascade).notNull()
                // `password`: the password was right, the second factor is still due;
                // `enrol`: a second factor must be set up first; `full`: logged in.
                t.column("stage", .text).notNull()
                t.column("csrfToken", .text).notNull()
                t.column("source", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v9 transfers, caller IDs, live calls") { db in
            // Whether an account's devices may transfer calls (REFER): off, as a transfer is
            // a call placed on the account's bill by someone else.
            try db.alter(table: "account") { t in
                t.add(column: "allowsTransfers", .boolean).notNull().defaults(to: false)
            }
            // `account`: the device may present its caller ID or any DID of its account;
            // `fixed`: always its caller ID.
            try db.alter(table: "device") { t in
                t.add(column: "callerIDChoice", .text).notNull().defaults(to: "account")
                    .check(sql: "callerIDChoice IN ('account', 'fixed')")
            }
            // In the RFC 3325 trust domain: P-Asserted-Identity is accepted from it and sent
            // to it.
            try db.alter(table: "provider") { t in
                t.add(column: "trustedIdentity", .boolean).notNull().defaults(to: true)
            }
            // The call a transferred call came from, and the caller ID the switch presented.
            try db.alter(table: "cdr") { t in
                t.add(column: "relatedCallID", .text)
                t.add(column: "callerID", .text)
            }
            // Answered calls while they last, so that a crash leaves a trace: at the next
            // start they are closed at the time last seen, charged and hung up. Plain columns,
            // times in Unix milliseconds: written with one prepared statement per call.
            try db.create(table: "liveCall") { t in
                t.primaryKey("callID", .text)
                t.column("answeredAt", .integer).notNull()
                t.column("lastSeenAt", .integer).notNull()
                t.column("startedAt", .integer).notNull()
                t.column("ringingAt", .integer)
                t.column("callerKind", .text).notNull()
                t.column("accountId", .integer)
                t.column("deviceId", .integer)
                t.column("callerName", .text)
                t.column("providerId", .integer)
                t.column("sourceIP", .text).notNull()
                t.column("sourcePort", .integer).notNull()
                t.column("transport", .text).notNull()
                t.column("userAgent", .text)
                t.column("fromHeader", .text).notNull()
                t.column("toHeader", .text).notNull()
                t.column("contact", .text)
                t.column("requestURI", .text).notNull()
                t.column("dialledNumber", .text).notNull()
                t.column("destinationKind", .text).notNull()
                t.column("destination", .text)
                t.column("ratePrefix", .text)
                t.column("callerID", .text)
                t.column("relatedCallID", .text)
                for side in ["caller", "callee"] {
                    t.column(side + "Transport", .text).notNull()
                    t.column(side + "IP", .text).notNull()
                    t.column(side + "Port", .integer).notNull()
                    t.column(side + "Tag", .text).notNull()
                    t.column(side + "Target", .text)
                    t.column(side + "CSeq", .integer).notNull()
                }
                t.column("callerFrom", .text).notNull()
                t.column("callerTo", .text).notNull()
                t.column("forwardedFrom", .text)
                t.column("maxSeconds", .integer).notNull()
                t.column("pricePerMinuteMicros", .integer)
                t.column("connectionFeeMicros", .integer)
                t.column("incrementSeconds", .integer)
                t.column("minimumSeconds", .integer)
            }
        }
        migrator.registerMigration("v10 live-call heartbeat") { db in
            // The time the running server last saw its calls up: one row, written every few
            // seconds, instead of rewriting every live call's row (10,000 live calls would
            // be 2,000 row writes a second). A call's last-seen time is the later of this and
            // its own `lastSeenAt` (the time it was written).
            try db.create(table: "liveCallHeartbeat") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("at", .integer).notNull()
            }
        }
        return migrator
    }
}
