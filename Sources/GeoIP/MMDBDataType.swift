/// The type codes of a data field's control byte (spec "Data Field Format", "Output Data
/// Types"). Codes 1–7 sit in the control byte's top three bits; code 0 there means "extended":
/// the next byte holds the code minus 7, giving 8–15.
enum MMDBDataType: Int, Sendable {
    case pointer = 1
    case string = 2
    case double = 3
    case bytes = 4
    case uint16 = 5
    case uint32 = 6
    case map = 7
    case int32 = 8
    case uint64 = 9
    case uint128 = 10
    case array = 11
    case dataCacheContainer = 12
    case endMarker = 13
    case boolean = 14
    case float = 15

    /// The spec's name, for error messages.
    var name: String {
        switch self {
        case .pointer: return "pointer"
        case .string: return "string"
        case .double: return "double"
        case .bytes: return "bytes"
        case .uint16: return "uint16"
        case .uint32: return "uint32"
        case .map: return "map"
        case .int32: return "int32"
        case .uint64: return "uint64"
        case .uint128: return "uint128"
        case .array: return "array"
        case .dataCacheContainer: return "data cache container"
        case .endMarker: return "end marker"
        case .boolean: return "boolean"
        case .float: return "float"
        }
    }
}
