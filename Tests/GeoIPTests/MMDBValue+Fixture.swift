import GeoIP
import SIPTestSupport

extension MMDBValue {
    /// What the reader should decode from `fixture` as `MMDBFixtureWriter` wrote it: the same
    /// value, case for case (the writer's values are their own type, as SIPTestSupport does
    /// not depend on the reader under test).
    init(_ fixture: MMDBFixtureValue) {
        switch fixture {
        case .string(let text): self = .string(text)
        case .double(let number): self = .double(number)
        case .bytes(let raw): self = .bytes(raw)
        case .uint16(let number): self = .uint16(number)
        case .uint32(let number): self = .uint32(number)
        case .map(let entries): self = .map(entries.mapValues { MMDBValue($0) })
        case .int32(let number): self = .int32(number)
        case .uint64(let number): self = .uint64(number)
        case .uint128(let high, let low): self = .uint128(high: high, low: low)
        case .array(let elements): self = .array(elements.map { MMDBValue($0) })
        case .endMarker: self = .endMarker
        case .boolean(let flag): self = .boolean(flag)
        case .float(let number): self = .float(number)
        }
    }
}
