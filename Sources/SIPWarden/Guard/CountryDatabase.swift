import GeoIP
import Guard

/// A MaxMind-format country database as the Guard's country lookup.
struct CountryDatabase: CountryLookup {
    let reader: MMDBReader

    init(path: String) throws(MMDBError) {
        reader = try MMDBReader(contentsOfFile: path)
    }

    func countryCode(of address: AddressKey) -> String? {
        // A damaged record answers "unknown", like an address the database does not place.
        try? reader.countryCode(address.bytes)
    }

    /// Why the file at `path` cannot serve as a country database, or nil.
    static func problem(opening path: String) -> String? {
        do throws(MMDBError) {
            let database = try CountryDatabase(path: path)
            let type = database.reader.metadata.databaseType.lowercased()
            guard type.contains("country") || type.contains("city") else {
                return "\(path) is a \(database.reader.metadata.databaseType) database, not a country database"
            }
            return nil
        } catch {
            return "\(path): \(error)"
        }
    }
}
