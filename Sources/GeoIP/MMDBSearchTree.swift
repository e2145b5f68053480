/// The binary search tree at the start of the file (spec "Search Tree Section").
///
/// Each node is two records, left for a 0 bit and right for a 1 bit. A record below the node
/// count is the next node; equal to it, "no data"; above it, a pointer into the data section.
/// Records are read straight from the file's bytes: a lookup touches at most 128 nodes.
struct MMDBSearchTree: Sendable {
    let nodeCount: Int
    /// 24, 28 or 32 bits per record.
    let recordSize: Int
    /// Bytes per node: two records.
    let nodeByteCount: Int

    /// The tree's size in bytes; the 16-byte zero separator and the data section follow it.
    var byteCount: Int { nodeCount * nodeByteCount }

    init(nodeCount: UInt32, recordSize: UInt16) throws(MMDBError) {
        guard recordSize == 24 || recordSize == 28 || recordSize == 32 else {
            throw .unsupportedRecordSize(recordSize)
        }
        self.nodeCount = Int(nodeCount)
        self.recordSize = Int(recordSize)
        self.nodeByteCount = Int(recordSize) / 4
    }

    /// Record `bit` (0 left, 1 right) of `node`, which must be below `nodeCount` in a file at
    /// least `byteCount` long (the reader checks both).
    func record(in bytes: [UInt8], node: Int, bit: Int) -> Int {
        let base = node * nodeByteCount
        switch recordSize {
        case 24:
            // Spec: two 3-byte big-endian records.
            let start = base + bit * 3
            return Int(bytes[start]) << 16 | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2])
        case 28:
            // Spec: 7 bytes; the middle byte's high nibble is the left record's top four bits,
            // its low nibble the right record's.
            let middle = Int(bytes[base + 3])
            let start = base + bit * 4
            let top = bit == 0 ? (middle & 0xF0) << 20 : (middle & 0x0F) << 24
            return top | Int(bytes[start]) << 16 | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2])
        default:
            // Spec: two 4-byte big-endian records.
            let start = base + bit * 4
            return Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16
                | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        }
    }

    /// Follows `address` bit by bit from `node` until a record leaves the tree; that record.
    /// Running out of bits inside the tree means the file is corrupt: a well-formed tree has
    /// no path longer than the address.
    func terminalRecord(in bytes: [UInt8], address: [UInt8], from node: Int) throws(MMDBError) -> Int {
        var current = node
        var bitIndex = 0
        let bitCount = address.count * 8
        while current < nodeCount {
            guard bitIndex < bitCount else { throw .searchTreeUnterminated(node: current) }
            let bit = Int(address[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1
            current = record(in: bytes, node: current, bit: bit)
            bitIndex += 1
        }
        return current
    }

    /// Spec "IPv4 addresses in an IPv6 tree": IPv4 addresses live at ::a.b.c.d, so their
    /// subtree is where 96 zero bits lead. Found once, it saves 96 steps per IPv4 lookup. It
    /// may be a record rather than a node when the tree has nothing below ::/96.
    func ipv4StartNode(in bytes: [UInt8]) -> Int {
        var current = 0
        var depth = 0
        while depth < 96, current < nodeCount {
            current = record(in: bytes, node: current, bit: 0)
            depth += 1
        }
        return current
    }
}
