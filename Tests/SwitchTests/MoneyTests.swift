import Foundation
import Switch
import Testing

/// Tariffs and the ledger: costs by increment and minimum, the longest affordable call, and
/// reservations that keep simultaneous calls within the balance.
@Suite("Money")
struct MoneyTests {
    // 0.06 per minute (1 000 micros per second), billed per second.
    static let perSecond = Tariff(prefix: "+44", pricePerMinuteMicros: 60_000)
    // 1.20 per minute, by the minute, with a 0.10 connection fee.
    static let perMinute = Tariff(prefix: "+33", pricePerMinuteMicros: 1_200_000, connectionFeeMicros: 100_000, incrementSeconds: 60)

    @Test func billedSecondsRoundUpToTheIncrementAndTheMinimum() {
        #expect(Self.perMinute.billedSeconds(0) == 0)
        #expect(Self.perMinute.billedSeconds(1) == 60)
        #expect(Self.perMinute.billedSeconds(61) == 120)
        let withMinimum = Tariff(prefix: "+1", pricePerMinuteMicros: 60_000, incrementSeconds: 6, minimumSeconds: 30)
        #expect(withMinimum.billedSeconds(7) == 30)
        #expect(withMinimum.billedSeconds(31) == 36)
    }

    @Test func costIncludesTheConnectionFeeOnlyWhenAnswered() {
        #expect(Self.perMinute.cost(seconds: 0) == 0)
        #expect(Self.perMinute.cost(seconds: 1) == 1_300_000)
        #expect(Self.perMinute.cost(seconds: 61) == 2_500_000)
        #expect(Self.perSecond.cost(seconds: 90) == 90_000)
        // A fraction of a micro is rounded up: 1 micro per minute for one second.
        #expect(Tariff(prefix: "+", pricePerMinuteMicros: 1).cost(seconds: 1) == 1)
    }

    @Test func affordableSecondsNeverCostMoreThanAvailable() {
        #expect(Self.perSecond.affordableSeconds(available: 30_000, limit: 3_600) == 30)
        #expect(Self.perSecond.affordableSeconds(available: 30_000, limit: 10) == 10)
        #expect(Self.perSecond.affordableSeconds(available: 999, limit: 3_600) == nil)
        // 0.10 fee + 1.20/min: 2.50 buys two minutes, 2.49 one.
        #expect(Self.perMinute.affordableSeconds(available: 2_500_000, limit: 3_600) == 120)
        #expect(Self.perMinute.affordableSeconds(available: 2_499_999, limit: 3_600) == 60)
        #expect(Self.perMinute.affordableSeconds(available: 1_299_999, limit: 3_600) == nil)
        for available in stride(from: Int64(0), through: 5_000_000, by: 77_777) {
            if let seconds = Self.perMinute.affordableSeconds(available: available, limit: 86_400) {
                #expect(Self.perMinute.cost(seconds: seconds) <= available)
                #expect(Self.perMinute.cost(seconds: seconds + 60) > available)
            }
        }
        #expect(Tariff(prefix: "+", pricePerMinuteMicros: 0).affordableSeconds(available: 0, limit: 500) == 500)
    }

    @Test func rateTablePrefersTheLongestAndTheAccountsOwn() {
        let table = RateTable([
            (nil, Tariff(prefix: "+", pricePerMinuteMicros: 1)),
            (nil, Tariff(prefix: "+44", pricePerMinuteMicros: 2)),
            (7, Tariff(prefix: "+44", pricePerMinuteMicros: 3)),
            (7, Tariff(prefix: "+4", pricePerMinuteMicros: 4)),
        ])
        #expect(table.tariff(accountId: 1, number: "+4420")?.pricePerMinuteMicros == 2)
        #expect(table.tariff(accountId: 7, number: "+4420")?.pricePerMinuteMicros == 3)
        #expect(table.tariff(accountId: 7, number: "+4520")?.pricePerMinuteMicros == 4)
        #expect(table.tariff(accountId: 1, number: "+3312")?.pricePerMinuteMicros == 1)
        #expect(RateTable().tariff(accountId: 1, number: "+44") == nil)
    }

    static func ledger(balance: Int64, prepaid: Bool = true, credit: Int64 = 0) -> Ledger {
        let ledger = Ledger()
        ledger.load([1: Ledger.AccountMoney(prepaid: prepaid, balanceMicros: balance, creditLimitMicros: credit)], generation: ledger.generation)
        return ledger
    }

    @Test func reservationsOfSimultaneousCallsStayWithinTheBalance() throws {
        // 1.00 at 0.06/min: 1000 s in all, whatever the number of calls.
        let ledger = Self.ledger(balance: 1_000_000)
        let first = try ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 600).get()
        #expect(first.seconds == 600)
        let second = try ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 600).get()
        #expect(second.seconds == 400)
        #expect(ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 600) == .failure(.noBalance))
        // The first ends after 100 s: 0.10 charged, 0.50 free again.
        #expect(ledger.settle(first, cost: Self.perSecond.cost(seconds: 100)) == 100_000)
        #expect(ledger.available(accountId: 1) == 500_000)
        // A settle cannot charge more than was reserved.
        #expect(ledger.settle(second, cost: 10_000_000) == second.micros)
        #expect(ledger.available(accountId: 1) == 500_000)
    }

    @Test func manyThreadsCannotOverspend() async {
        let ledger = Self.ledger(balance: 10_000_000)  // 10 000 s at 1 000 micros/s
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    guard case .success(let reservation) = ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 120) else { return 0 }
                    return reservation.seconds
                }
            }
            return await group.reduce(0, +)
        }
        #expect(granted == 10_000)
        #expect(ledger.available(accountId: 1) == 0)
    }

    @Test func postpaidUsesTheCreditLimit() {
        let ledger = Self.ledger(balance: 0, prepaid: false, credit: 60_000)
        #expect((try? ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 600).get())?.seconds == 60)
        #expect(ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 600) == .failure(.creditLimitReached))
        #expect(Self.ledger(balance: 0).reserve(accountId: 1, tariff: Self.perSecond, limit: 1) == .failure(.noBalance))
        #expect(Ledger().reserve(accountId: 9, tariff: Self.perSecond, limit: 1) == .failure(.unknownAccount))
    }

    @Test func pendingChargesCountUntilCommittedAndStaleSnapshotsKeepBalances() throws {
        let ledger = Self.ledger(balance: 1_000_000)
        let call = try ledger.reserve(accountId: 1, tariff: Self.perSecond, limit: 100).get()
        ledger.settle(call, cost: 100_000)
        // A snapshot read before the record was written still says 1.00: the charge is pending.
        ledger.load([1: .init(prepaid: true, balanceMicros: 1_000_000, creditLimitMicros: 0)], generation: ledger.generation)
        #expect(ledger.available(accountId: 1) == 900_000)
        // The record is written: the database says 0.90.
        let before = ledger.generation
        ledger.committed(charges: [1: 100_000], balances: [1: 900_000])
        #expect(ledger.available(accountId: 1) == 900_000)
        // A snapshot read before that commit must not bring 1.00 back.
        ledger.load([1: .init(prepaid: true, balanceMicros: 1_000_000, creditLimitMicros: 0)], generation: before)
        #expect(ledger.available(accountId: 1) == 900_000)
        // A top-up read after it is taken.
        ledger.load([1: .init(prepaid: true, balanceMicros: 5_000_000, creditLimitMicros: 0)], generation: ledger.generation)
        #expect(ledger.available(accountId: 1) == 5_000_000)
    }
}
