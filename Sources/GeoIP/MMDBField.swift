/// A data field's header, read from its control byte and the bytes that extend it.
enum MMDBField: Sendable, Equatable {
    /// A pointer: `target` is the absolute offset it points to, `next` the offset after it.
    case pointer(target: Int, next: Int)
    /// Any other type: `size` is its payload length in bytes, its entry count (map, array),
    /// or its value (boolean); the payload starts at `payload`.
    case value(type: MMDBDataType, size: Int, payload: Int)
}
