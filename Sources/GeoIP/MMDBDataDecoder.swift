/// Decodes data fields from one section into `MMDBValue`s, within limits.
///
/// One decoder serves one lookup: it carries the value budget for that lookup. The depth limit
/// counts map and array nesting and pointer hops together, so a pointer cycle ends as a
/// depth error; the value budget stops pointers that fan out to shared containers from
/// expanding a few bytes into an exponentially large value. Container counts are checked
/// against the bytes left before anything is allocated.
struct MMDBDataDecoder {
    /// Nesting limit for maps, arrays and pointer hops together. Real GeoIP records nest
    /// three or four levels deep.
    static let depthLimit = 64
    /// Values one decoder may produce or skip: a GeoLite2-City record has about a hundred.
    static let valueLimit = 1 << 18

    let section: MMDBSection
    private var valuesLeft = MMDBDataDecoder.valueLimit

    init(section: MMDBSection) {
        self.section = section
    }

    /// The value at `offset`, pointers resolved.
    mutating func decode(at offset: Int) throws(MMDBError) -> MMDBValue {
        try decodeField(at: offset, depth: 0).value
    }

    /// Counts one value against the budget.
    mutating func spend() throws(MMDBError) {
        guard valuesLeft > 0 else { throw .valueLimitExceeded(limit: Self.valueLimit) }
        valuesLeft -= 1
    }

    /// Throws when `depth` is past the limit.
    func checkDepth(_ depth: Int) throws(MMDBError) {
        guard depth <= Self.depthLimit else { throw .depthLimitExceeded(limit: Self.depthLimit) }
    }

    /// The value at `offset` and the offset just after the field there (after the pointer
    /// itself when the field is a pointer, which is where the enclosing container continues).
    mutating func decodeField(at offset: Int, depth: Int) throws(MMDBError) -> (value: MMDBValue, next: Int) {
        try checkDepth(depth)
        try spend()
        switch try section.field(at: offset) {
        case .pointer(let target, let next):
            return (try decodeField(at: target, depth: depth + 1).value, next)
        case .value(let type, let size, let payload):
            return try decodePayload(type: type, size: size, payload: payload, fieldOffset: offset, depth: depth)
        }
    }

    private mutating func decodePayload(
        type: MMDBDataType, size: Int, payload: Int, fieldOffset: Int, depth: Int
    ) throws(MMDBError) -> (value: MMDBValue, next: Int) {
        switch type {
        case .string:
            return (.string(try string(at: payload, size: size, fieldOffset: fieldOffset)), payload + size)
        case .double:
            try requireSize(size, equals: 8, type: type, fieldOffset: fieldOffset)
            let bits = try section.unsigned64(at: payload, count: 8, fieldOffset: fieldOffset)
            return (.double(Double(bitPattern: bits)), payload + 8)
        case .float:
            try requireSize(size, equals: 4, type: type, fieldOffset: fieldOffset)
            let bits = try section.unsigned64(at: payload, count: 4, fieldOffset: fieldOffset)
            return (.float(Float(bitPattern: UInt32(bits))), payload + 4)
        case .bytes:
            try section.checkRange(payload, count: size, fieldOffset: fieldOffset)
            return (.bytes(Array(section.bytes[payload..<(payload + size)])), payload + size)
        case .uint16:
            let value = try unsignedPayload(at: payload, size: size, maxSize: 2, type: type, fieldOffset: fieldOffset)
            return (.uint16(UInt16(value)), payload + size)
        case .uint32:
            let value = try unsignedPayload(at: payload, size: size, maxSize: 4, type: type, fieldOffset: fieldOffset)
            return (.uint32(UInt32(value)), payload + size)
        case .int32:
            // Spec "int32 - 8": shorter than four bytes, the value is positive; at four bytes
            // it is two's complement.
            let value = try unsignedPayload(at: payload, size: size, maxSize: 4, type: type, fieldOffset: fieldOffset)
            return (.int32(Int32(bitPattern: UInt32(value))), payload + size)
        case .uint64:
            let value = try unsignedPayload(at: payload, size: size, maxSize: 8, type: type, fieldOffset: fieldOffset)
            return (.uint64(value), payload + size)
        case .uint128:
            guard size <= 16 else {
                throw .invalidValueSize(type: type.name, size: size, offset: fieldOffset)
            }
            let lowCount = min(size, 8)
            let high = try section.unsigned64(at: payload, count: size - lowCount, fieldOffset: fieldOffset)
            let low = try section.unsigned64(at: payload + size - lowCount, count: lowCount, fieldOffset: fieldOffset)
            return (.uint128(high: high, low: low), payload + size)
        case .map:
            return try decodeMap(count: size, payload: payload, fieldOffset: fieldOffset, depth: depth)
        case .array:
            return try decodeArray(count: size, payload: payload, fieldOffset: fieldOffset, depth: depth)
        case .boolean:
            // Spec "boolean - 14": the size field is the value; there is no payload.
            guard size <= 1 else { throw .invalidValueSize(type: type.name, size: size, offset: fieldOffset) }
            return (.boolean(size == 1), payload)
        case .endMarker:
            try requireSize(size, equals: 0, type: type, fieldOffset: fieldOffset)
            return (.endMarker, payload)
        case .pointer, .dataCacheContainer:
            // Spec "data cache container - 12": it only holds data reached through pointers,
            // so a reader walking values never meets one in place.
            throw .invalidDataType(code: type.rawValue, offset: fieldOffset)
        }
    }

    private mutating func decodeMap(
        count: Int, payload: Int, fieldOffset: Int, depth: Int
    ) throws(MMDBError) -> (value: MMDBValue, next: Int) {
        // A key and a value take at least one byte each.
        try section.checkRange(payload, count: count * 2, fieldOffset: fieldOffset)
        var entries: [String: MMDBValue] = [:]
        entries.reserveCapacity(count)
        var cursor = payload
        for _ in 0..<count {
            let (range, afterKey) = try keyRange(at: cursor, depth: depth + 1)
            guard let key = String(validating: section.bytes[range], as: UTF8.self) else {
                throw .invalidUTF8(offset: range.lowerBound)
            }
            let (value, afterValue) = try decodeField(at: afterKey, depth: depth + 1)
            entries[key] = value
            cursor = afterValue
        }
        return (.map(entries), cursor)
    }

    private mutating func decodeArray(
        count: Int, payload: Int, fieldOffset: Int, depth: Int
    ) throws(MMDBError) -> (value: MMDBValue, next: Int) {
        try section.checkRange(payload, count: count, fieldOffset: fieldOffset)
        var elements: [MMDBValue] = []
        elements.reserveCapacity(count)
        var cursor = payload
        for _ in 0..<count {
            let (value, next) = try decodeField(at: cursor, depth: depth + 1)
            elements.append(value)
            cursor = next
        }
        return (.array(elements), cursor)
    }

    /// The byte range of the map key at `offset` (a string, possibly behind pointers, spec
    /// "map - 7") and the offset just after the key field.
    mutating func keyRange(at offset: Int, depth: Int) throws(MMDBError) -> (range: Range<Int>, next: Int) {
        try checkDepth(depth)
        try spend()
        switch try section.field(at: offset) {
        case .pointer(let target, let next):
            return (try keyRange(at: target, depth: depth + 1).range, next)
        case .value(let type, let size, let payload):
            guard type == .string else { throw .invalidMapKey(offset: offset) }
            try section.checkRange(payload, count: size, fieldOffset: offset)
            return (payload..<(payload + size), payload + size)
        }
    }

    private func string(at payload: Int, size: Int, fieldOffset: Int) throws(MMDBError) -> String {
        try section.checkRange(payload, count: size, fieldOffset: fieldOffset)
        guard let text = String(validating: section.bytes[payload..<(payload + size)], as: UTF8.self) else {
            throw .invalidUTF8(offset: fieldOffset)
        }
        return text
    }

    private func unsignedPayload(
        at payload: Int, size: Int, maxSize: Int, type: MMDBDataType, fieldOffset: Int
    ) throws(MMDBError) -> UInt64 {
        // Spec "Integer Formats": big-endian with leading zero bytes dropped, so any size up
        // to the type's width is valid, including zero for the value 0.
        guard size <= maxSize else { throw .invalidValueSize(type: type.name, size: size, offset: fieldOffset) }
        return try section.unsigned64(at: payload, count: size, fieldOffset: fieldOffset)
    }

    private func requireSize(_ size: Int, equals expected: Int, type: MMDBDataType, fieldOffset: Int) throws(MMDBError) {
        guard size == expected else { throw .invalidValueSize(type: type.name, size: size, offset: fieldOffset) }
    }
}
