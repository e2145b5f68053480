/// A region of the file that holds data fields: the data section, or the metadata section.
///
/// Pointers are offsets from the start of their section (spec "Pointer - 1"; the metadata is
/// decoded as a section of its own, so any pointer in it is relative to its start). Every read
/// is checked against `end`, which is how a truncated or lying file turns into an error.
struct MMDBSection: Sendable {
    let bytes: [UInt8]
    /// Absolute offset of the section's first byte.
    let start: Int
    /// Absolute offset one past the section's last byte.
    let end: Int

    /// Reads the header of the field at `offset` (spec "Data Field Format").
    func field(at offset: Int) throws(MMDBError) -> MMDBField {
        guard offset >= start, offset < end else { throw .truncatedData(offset: offset) }
        let control = Int(bytes[offset])
        var cursor = offset + 1
        var code = control >> 5
        if code == MMDBDataType.pointer.rawValue {
            return try pointer(control: control, fieldOffset: offset, after: cursor)
        }
        if code == 0 {
            // Spec "Extended Types": the type byte follows the control byte, before any size
            // bytes, and holds the type number minus 7; only 8 through 15 are defined.
            code = 7 + (try unsigned(at: cursor, count: 1, fieldOffset: offset))
            cursor += 1
            guard code >= 8 else { throw .invalidDataType(code: code, offset: offset) }
        }
        guard let type = MMDBDataType(rawValue: code) else {
            throw .invalidDataType(code: code, offset: offset)
        }
        // Spec "Payload Size": below 29 the size is the five bits themselves; 29, 30 and 31
        // announce one, two or three more bytes, biased so that no size has two encodings.
        var size = control & 0x1F
        switch size {
        case 29:
            size = 29 + (try unsigned(at: cursor, count: 1, fieldOffset: offset))
            cursor += 1
        case 30:
            size = 285 + (try unsigned(at: cursor, count: 2, fieldOffset: offset))
            cursor += 2
        case 31:
            size = 65_821 + (try unsigned(at: cursor, count: 3, fieldOffset: offset))
            cursor += 3
        default:
            break
        }
        return .value(type: type, size: size, payload: cursor)
    }

    /// Spec "Pointer - 1": the two bits `SS` after the type give the pointer's length, the
    /// low three bits `VVV` its top bits (unused at the 4-byte length), and each length is
    /// biased past the largest value of the shorter one.
    private func pointer(control: Int, fieldOffset: Int, after cursor: Int) throws(MMDBError) -> MMDBField {
        let high = control & 0x07
        let relative: Int
        let next: Int
        switch (control >> 3) & 0x03 {
        case 0:
            relative = (high << 8) | (try unsigned(at: cursor, count: 1, fieldOffset: fieldOffset))
            next = cursor + 1
        case 1:
            relative = ((high << 16) | (try unsigned(at: cursor, count: 2, fieldOffset: fieldOffset))) + 2_048
            next = cursor + 2
        case 2:
            relative = ((high << 24) | (try unsigned(at: cursor, count: 3, fieldOffset: fieldOffset))) + 526_336
            next = cursor + 3
        default:
            relative = try unsigned(at: cursor, count: 4, fieldOffset: fieldOffset)
            next = cursor + 4
        }
        let target = start + relative
        guard target < end else { throw .pointerOutOfRange(offset: target) }
        return .pointer(target: target, next: next)
    }

    /// A big-endian unsigned integer of `count` bytes (at most 8) at `offset`.
    func unsigned(at offset: Int, count: Int, fieldOffset: Int) throws(MMDBError) -> Int {
        return Int(truncatingIfNeeded: try unsigned64(at: offset, count: count, fieldOffset: fieldOffset))
    }

    /// A big-endian unsigned integer of `count` bytes (at most 8) at `offset`; `fieldOffset`
    /// names the field in the error when the bytes run past the section.
    func unsigned64(at offset: Int, count: Int, fieldOffset: Int) throws(MMDBError) -> UInt64 {
        try checkRange(offset, count: count, fieldOffset: fieldOffset)
        var value: UInt64 = 0
        for index in offset..<(offset + count) {
            value = (value << 8) | UInt64(bytes[index])
        }
        return value
    }

    /// Throws unless `count` bytes from `offset` lie inside the section.
    func checkRange(_ offset: Int, count: Int, fieldOffset: Int) throws(MMDBError) {
        guard count >= 0, offset >= start, count <= end - offset else {
            throw .truncatedData(offset: fieldOffset)
        }
    }
}
