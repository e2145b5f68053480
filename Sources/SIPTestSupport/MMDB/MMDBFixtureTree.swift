/// A search tree under construction (spec "Search Tree Section"): node 0 is the root, each
/// node has a record per bit value. Networks must be inserted shortest prefix first; a longer
/// prefix inside a shorter one splits the shorter one's record into a node whose two records
/// both keep the old data, which is what gives lookups longest-prefix semantics.
///
/// For tests only; `MMDBFixtureWriter` builds one per database.
struct MMDBFixtureTree {
    enum Record: Equatable {
        case empty
        case node(Int)
        /// An offset in the data section.
        case data(Int)
    }

    private(set) var nodes: [[Record]] = [[.empty, .empty]]

    mutating func insert(address: [UInt8], prefixLength: Int, dataOffset: Int) {
        if prefixLength == 0 {
            nodes[0] = [.data(dataOffset), .data(dataOffset)]
            return
        }
        var node = 0
        for index in 0..<(prefixLength - 1) {
            let bit = Self.bit(address, index)
            switch nodes[node][bit] {
            case .node(let next):
                node = next
            case .empty:
                node = addChild(of: node, bit: bit, records: [.empty, .empty])
            case .data(let offset):
                node = addChild(of: node, bit: bit, records: [.data(offset), .data(offset)])
            }
        }
        nodes[node][Self.bit(address, prefixLength - 1)] = .data(dataOffset)
    }

    private mutating func addChild(of node: Int, bit: Int, records: [Record]) -> Int {
        nodes.append(records)
        nodes[node][bit] = .node(nodes.count - 1)
        return nodes.count - 1
    }

    /// The numeric records, as the spec stores them: a node number, the node count for "no
    /// data", or node count + 16 + offset for data.
    func numericRecords() -> [(left: Int, right: Int)] {
        let count = nodes.count
        func number(_ record: Record) -> Int {
            switch record {
            case .empty: return count
            case .node(let index): return index
            case .data(let offset): return count + 16 + offset
            }
        }
        return nodes.map { (number($0[0]), number($0[1])) }
    }

    static func bit(_ address: [UInt8], _ index: Int) -> Int {
        Int(address[index / 8] >> (7 - UInt8(index % 8))) & 1
    }
}
