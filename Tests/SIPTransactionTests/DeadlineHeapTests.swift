import SIPCore
import Testing

@testable import SIPTransaction

/// The table's indexed min-heap of deadlines.
@Suite("Deadline heap")
struct DeadlineHeapTests {
    /// A small deterministic generator (SplitMix64), so a failure replays exactly.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("random inserts, moves and removals agree with a plain dictionary", arguments: [1, 2, 3, 4, 5])
    func agreesWithModel(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        var heap = DeadlineHeap()
        var model: [Int: SIPInstant] = [:]
        for _ in 0..<2_000 {
            let slot = Int.random(in: 0..<64, using: &generator)
            let deadline: SIPInstant? =
                Int.random(in: 0..<4, using: &generator) == 0 ? nil : SIPInstant(nanoseconds: Int64.random(in: 0..<50, using: &generator))
            heap.set(slot, to: deadline)
            model[slot] = deadline
            #expect(heap.count == model.count)
            #expect(heap.first?.deadline == model.values.min())
            if let first = heap.first {
                #expect(model[first.slot] == first.deadline)
            }
        }
        for slot in 0..<64 {
            #expect(heap.deadline(of: slot) == model[slot])
        }
        // Draining gives every deadline in order.
        var drained: [SIPInstant] = []
        while let first = heap.first {
            drained.append(first.deadline)
            heap.set(first.slot, to: nil)
        }
        #expect(drained == model.values.sorted())
        #expect(heap.count == 0)
    }

    @Test("equal deadlines come out first come, first served")
    func fifoAtEqualDeadlines() {
        var heap = DeadlineHeap()
        let instant = SIPInstant(nanoseconds: 10)
        for slot in [3, 1, 2, 0] {
            heap.set(slot, to: instant)
        }
        var order: [Int] = []
        while let first = heap.first {
            order.append(first.slot)
            heap.set(first.slot, to: nil)
        }
        #expect(order == [3, 1, 2, 0])
    }

    @Test("one entry per slot: moving a deadline replaces the entry")
    func oneEntryPerSlot() {
        var heap = DeadlineHeap()
        heap.set(7, to: SIPInstant(nanoseconds: 5))
        heap.set(7, to: SIPInstant(nanoseconds: 50))
        heap.set(7, to: SIPInstant(nanoseconds: 1))
        heap.set(2, to: SIPInstant(nanoseconds: 3))
        #expect(heap.count == 2)
        #expect(heap.first?.slot == 7)
        heap.set(7, to: nil)
        heap.set(7, to: nil)
        #expect(heap.count == 1)
        #expect(heap.first?.slot == 2)
        #expect(heap.deadline(of: 7) == nil)
        #expect(heap.deadline(of: 1_000) == nil)
    }
}
