extension MonitorRule {
    /// The rules a new switch starts with. The thought behind them: stolen credentials are
    /// used fast (a burst of calls from one device), to expensive or premium destinations,
    /// to many numbers and to countries the account never called, and mostly at night or at
    /// weekends, so money limits alone react too late. Every critical level blocks the
    /// account until an operator has looked at it (a block that lifts itself re-opens the
    /// door to whoever holds the password); warnings only alert. Switch-wide rules alert
    /// only: a figure over all accounts names no culprit.
    ///
    /// | rule | whose | measures | warning | critical |
    /// |---|---|---|---|---|
    /// | account-spend-hour | each account | spend, last hour | 20.00 | 50.00: block |
    /// | account-spend-day | each account | spend, last 24 h | 100.00 | 200.00: block |
    /// | account-spend-month | each account | spend, last 30 days | 1000.00 | — |
    /// | device-calls-per-minute | each device | calls started, last minute | 10 | 30: block, hang up |
    /// | account-concurrent-calls | each account | calls in progress | 10 | 30: block, hang up |
    /// | account-risky-destinations-hour | each account | high-risk calls, last hour | 1 | 5: block |
    /// | account-distinct-numbers-hour | each account | numbers, last hour | 30 | 100: block |
    /// | account-new-country | each account | countries new in 90 days, last 24 h | 1 (each) | — |
    /// | account-call-minutes-day | each account | call minutes, last 24 h | 1500 min | — |
    /// | switch-spend-hour | switch | spend, last hour | 200.00 | 1000.00 |
    /// | switch-calls-per-minute | switch | calls started, last minute | 300 | — |
    ///
    /// Calls outside business hours are not watched by default: the hours are each
    /// customer's own; add an `outsideHours` rule per account that has them.
    public static let defaults: [MonitorRule] = [
        // A small office spends a few units an hour; 20.00 is worth a look, 50.00 in one
        // hour is what a stolen account does to a premium-rate range.
        MonitorRule(
            name: "account-spend-hour", kind: .spend(.hour), scope: .eachAccount,
            warning: MonitorThreshold(money(20)), critical: MonitorThreshold(money(50), .blockAccount)),
        // The slow variant: fraud kept under the hourly limit all night.
        MonitorRule(
            name: "account-spend-day", kind: .spend(.day), scope: .eachAccount,
            warning: MonitorThreshold(money(100)), critical: MonitorThreshold(money(200), .blockAccount)),
        // A heads-up for the account's manager; a month's spend is a commercial matter.
        MonitorRule(name: "account-spend-month", kind: .spend(.month), scope: .eachAccount, warning: MonitorThreshold(money(1000))),
        // A person dials a few calls a minute; 30 is a script. Hang up: a script keeps the
        // calls it has already placed running.
        MonitorRule(
            name: "device-calls-per-minute", kind: .callsPerMinute, scope: .eachDevice,
            warning: MonitorThreshold(10), critical: MonitorThreshold(30, .blockAccountAndHangUp)),
        // The warning sits at the default concurrent-call limit of an account (10): reached
        // when the account hits it; the critical level is for accounts allowed more.
        MonitorRule(
            name: "account-concurrent-calls", kind: .concurrentCalls, scope: .eachAccount,
            warning: MonitorThreshold(10), critical: MonitorThreshold(30, .blockAccountAndHangUp)),
        // Any call towards a high-risk prefix is worth knowing about (even refused by the
        // deny list: someone tried); five in an hour is somebody working through them.
        MonitorRule(
            name: "account-risky-destinations-hour", kind: .riskyDestinations(.hour), scope: .eachAccount,
            warning: MonitorThreshold(1), critical: MonitorThreshold(5, .blockAccount)),
        // Pumping traffic and testing stolen accounts dial through number lists.
        MonitorRule(
            name: "account-distinct-numbers-hour", kind: .distinctNumbers(.hour), scope: .eachAccount,
            warning: MonitorThreshold(30), critical: MonitorThreshold(100, .blockAccount)),
        // Each country the account has not called for 90 days is reported once.
        MonitorRule(
            name: "account-new-country", kind: .newCountries(.day, historyDays: 90), scope: .eachAccount,
            warning: MonitorThreshold(1)),
        // Minutes are the money of flat-rate plans; 1500 minutes is a day of two busy lines.
        MonitorRule(
            name: "account-call-minutes-day", kind: .callSeconds(.day), scope: .eachAccount,
            warning: MonitorThreshold(minutes(1500))),
        MonitorRule(
            name: "switch-spend-hour", kind: .spend(.hour), scope: .global,
            warning: MonitorThreshold(money(200)), critical: MonitorThreshold(money(1000))),
        MonitorRule(name: "switch-calls-per-minute", kind: .callsPerMinute, scope: .global, warning: MonitorThreshold(300)),
    ]
}
