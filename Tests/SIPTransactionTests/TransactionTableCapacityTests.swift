import NIOCore
import SIPCore
import SIPTestSupport
import Testing

@testable import SIPTransaction

/// The cap, the heap and removal (bounded memory).
@Suite("Transaction table: capacity and timers")
struct TransactionTableCapacityTests {
    static func request(_ n: Int, method: String = "OPTIONS") -> RequestSpec {
        RequestSpec().with { $0.method = method; $0.branch = "z9hG4bKcap\(n)" }
    }

    @Test("§21.5.4 beyond the cap new transactions are refused; existing ones still match")
    func capacity() throws {
        var table = Table(configuration: .init(capacity: 2))
        let first = try Self.request(1).message
        let firstID = try #require(output(table.receive(request: first, reliability: .reliable, context: "a", now: at(0)))).id
        #expect(describe(table.receive(request: try Self.request(2, method: "INVITE").message, reliability: .reliable, context: "b", now: at(0)), ids: []) == #"created ["send 100", "pass INVITE"]"#)
        #expect(table.count == 2)
        #expect(describe(table.receive(request: try Self.request(3).message, reliability: .reliable, context: "c", now: at(0)), ids: []) == "refused")
        #expect(describe(table.receive(request: try Self.request(3, method: "CANCEL").message, reliability: .reliable, context: "c", now: at(0)), ids: []) == "refused")
        #expect(throws: Table.StartError.self) {
            _ = try table.startClient(request: try Self.request(4).message, reliability: .reliable, context: "d", now: at(0))
        }
        #expect(table.count == 2)
        // A retransmission and a stray ACK need no room.
        #expect(describe(table.receive(request: first, reliability: .reliable, context: "a", now: at(1)), ids: [firstID]) == "matched #0 []")
        #expect(describe(table.receive(request: try Self.request(9, method: "ACK").message, reliability: .reliable, context: "a", now: at(1)), ids: []) == "ACK without transaction")
        // Once one ends there is room again.
        _ = table.respond(firstID, with: try outgoingResponse(200, to: first), now: at(2))
        #expect(table.count == 1)
        #expect(describe(table.receive(request: try Self.request(3).message, reliability: .reliable, context: "c", now: at(3)), ids: []) == #"created ["pass OPTIONS"]"#)
        #expect(table.count == 2)
    }

    @Test("a full table refuses with a distinct error on the client side")
    func clientCapacity() throws {
        var table = Table(configuration: .init(capacity: 1))
        _ = try table.startClient(request: try Self.request(1).message, reliability: .reliable, context: "a", now: at(0))
        let second = try Self.request(2).message
        do throws(Table.StartError) {
            _ = try table.startClient(request: second, reliability: .reliable, context: "a", now: at(0))
            Issue.record("started beyond the cap")
        } catch {
            guard case .full = error else {
                Issue.record("expected .full, got \(error)")
                return
            }
        }
    }

    @Test("a zero cap refuses everything, and a negative one counts as zero")
    func zeroCapacity() throws {
        for capacity in [0, -5] {
            var table = Table(configuration: .init(capacity: capacity))
            #expect(table.configuration.capacity == 0)
            #expect(describe(table.receive(request: try Self.request(1).message, reliability: .reliable, context: "a", now: at(0)), ids: []) == "refused")
        }
    }

    @Test("advance fires transactions in deadline order across the table")
    func heapOrdering() throws {
        var table = Table()
        // Non-INVITE clients over UDP: E at start + 0.5, 1.5, 3.5...
        let a = try table.startClient(request: try Self.request(1).message, reliability: .unreliable, context: "a", now: at(0)).id
        let b = try table.startClient(request: try Self.request(2).message, reliability: .unreliable, context: "b", now: at(0.25)).id
        let c = try table.startClient(request: try Self.request(3).message, reliability: .reliable, context: "c", now: at(0.1)).id
        #expect(table.nextDeadline == at(0.5))
        let fired = table.advance(to: at(4))
        #expect(fired.map(\.context) == ["a", "b", "a", "b", "a", "b"])
        #expect(fired.map(\.id) == [a, b, a, b, a, b])
        #expect(table.nextDeadline == at(7.5))
        // C runs only F over a reliable transport: it fires at 32.1, between A's and B's F.
        let timeouts = table.advance(to: at(40)).filter { $0.actions.contains { if case .timeout = $0 { return true } else { return false } } }
        #expect(timeouts.map(\.id) == [a, c, b])
        #expect(table.count == 0)
    }

    @Test("a transaction's deadline moves in the heap as its state changes")
    func deadlineMoves() throws {
        var table = Table()
        let request = try Self.request(1).message
        let slow = try table.startClient(request: try Self.request(2).message, reliability: .reliable, context: "slow", now: at(0)).id
        let id = try table.startClient(request: request, reliability: .unreliable, context: "x", now: at(0)).id
        #expect(table.nextDeadline == at(0.5))
        // §17.1.2.2: a final response replaces E and F by K = T4.
        _ = table.receive(response: try incomingResponse(200, to: request), now: at(0.2))
        #expect(table.nextDeadline == at(5.2))
        #expect(table.heap.count == 2)
        #expect(table.advance(to: at(5.2)).map(\.id) == [id])
        #expect(table.nextDeadline == at(32))
        #expect(table.transaction(slow) != nil)
    }

    @Test("terminated transactions leave nothing behind; their handles stay dead")
    func removal() throws {
        var table = Table(configuration: .init(capacity: 50))
        var ids: [TransactionID] = []
        for n in 0..<40 {
            let message = try Self.request(n, method: n.isMultiple(of: 2) ? "OPTIONS" : "INVITE").message
            let id = try #require(output(table.receive(request: message, reliability: .unreliable, context: "\(n)", now: at(0)))).id
            _ = table.respond(id, with: try outgoingResponse(n.isMultiple(of: 2) ? 200 : 486, to: message), now: at(0))
            ids.append(id)
        }
        for n in 0..<10 {
            ids.append(try table.startClient(request: try Self.request(100 + n).message, reliability: .unreliable, context: "c", now: at(0)).id)
        }
        #expect(table.count == 50)
        #expect(table.heap.count == 50)
        _ = table.advance(to: at(64))
        #expect(table.count == 0)
        #expect(table.heap.count == 0)
        #expect(table.servers.isEmpty)
        #expect(table.clients.isEmpty)
        #expect(table.nextDeadline == nil)
        for id in ids {
            #expect(table.transaction(id) == nil)
            #expect(table.context(of: id) == nil)
        }
        // Slots are reused with a new generation: old handles do not reach new transactions.
        let reused = try #require(output(table.receive(request: try Self.request(0).message, reliability: .unreliable, context: "new", now: at(65)))).id
        #expect(!ids.contains(reused))
        #expect(table.entries.count == 50, "storage did not grow past the peak")
        #expect(table.respond(ids[0], statusCode: 200, bytes: ByteBuffer(string: "SIP/2.0 200 OK\r\n\r\n"), now: at(66)) == nil)
        #expect(stateText(table.transaction(reused)) == "nonInviteServer.trying")
    }

    @Test("advance with nothing due does nothing")
    func nothingDue() throws {
        var table = Table()
        #expect(table.advance(to: at(1_000)).isEmpty)
        _ = table.receive(request: try Self.request(1).message, reliability: .unreliable, context: "a", now: at(0))
        #expect(table.nextDeadline == nil, "§17.2.2: Trying runs no timer")
        #expect(table.advance(to: at(1_000)).isEmpty)
        #expect(table.count == 1)
    }
}
