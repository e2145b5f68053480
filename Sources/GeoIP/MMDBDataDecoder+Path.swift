/// Reading one value out of a record without decoding the rest of it.
///
/// The Guard only wants `country.iso_code`; a GeoLite2 record also carries names in several
/// languages, continents and geoname ids. Walking the maps and skipping what does not match
/// costs no allocation besides the answer.
extension MMDBDataDecoder {
    /// The value at `path` (a list of map keys as UTF-8) inside the value at `offset`, or nil
    /// when some step is not a map or lacks the key.
    mutating func find(_ path: [[UInt8]], at offset: Int) throws(MMDBError) -> MMDBValue? {
        var cursor = offset
        var depth = 0
        for key in path {
            guard let found = try entry(key, inMapAt: cursor, depth: &depth) else { return nil }
            cursor = found
        }
        return try decodeField(at: cursor, depth: depth).value
    }

    /// The offset of the value under `key` in the map at `offset` (behind any pointers), or
    /// nil. `depth` grows by the pointer hops taken and by one for entering the map.
    private mutating func entry(_ key: [UInt8], inMapAt offset: Int, depth: inout Int) throws(MMDBError) -> Int? {
        var field = try section.field(at: offset)
        while case .pointer(let target, _) = field {
            depth += 1
            try checkDepth(depth)
            try spend()
            field = try section.field(at: target)
        }
        guard case .value(.map, let count, let payload) = field else { return nil }
        depth += 1
        try checkDepth(depth)
        try section.checkRange(payload, count: count * 2, fieldOffset: offset)
        var cursor = payload
        for _ in 0..<count {
            let (range, afterKey) = try keyRange(at: cursor, depth: depth)
            if section.bytes[range].elementsEqual(key) { return afterKey }
            cursor = try skip(at: afterKey, depth: depth)
        }
        return nil
    }

    /// The offset just after the field at `offset`, without decoding it. Pointers are not
    /// followed: what they point to is stored elsewhere, so skipping one is skipping its bytes.
    mutating func skip(at offset: Int, depth: Int) throws(MMDBError) -> Int {
        try checkDepth(depth)
        try spend()
        switch try section.field(at: offset) {
        case .pointer(_, let next):
            return next
        case .value(let type, let size, let payload):
            switch type {
            case .map, .array:
                let fields = type == .map ? size * 2 : size
                try section.checkRange(payload, count: fields, fieldOffset: offset)
                var cursor = payload
                for _ in 0..<fields {
                    cursor = try skip(at: cursor, depth: depth + 1)
                }
                return cursor
            case .boolean, .endMarker:
                return payload
            case .pointer, .dataCacheContainer:
                throw .invalidDataType(code: type.rawValue, offset: offset)
            default:
                try section.checkRange(payload, count: size, fieldOffset: offset)
                return payload + size
            }
        }
    }
}
