/// Finds the metadata section (spec "Database Metadata"): it follows the last occurrence of
/// the marker `\xAB\xCD\xEFMaxMind.com`, and with the marker it is at most 128 KiB, so only
/// the file's tail is searched. The last occurrence wins because the marker bytes could also
/// appear by chance in the data section.
enum MMDBMetadataLocator {
    static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
    static let searchWindow = 128 * 1024

    /// The absolute offset where the marker starts.
    static func markerOffset(in bytes: [UInt8]) throws(MMDBError) -> Int {
        let lowest = max(0, bytes.count - searchWindow)
        var candidate = bytes.count - marker.count
        while candidate >= lowest {
            if bytes[candidate] == marker[0], bytes[candidate..<(candidate + marker.count)].elementsEqual(marker) {
                return candidate
            }
            candidate -= 1
        }
        throw .metadataMarkerNotFound
    }
}
