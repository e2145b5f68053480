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
            // GeoLite2/GeoIP2 Country and City, DB-IP country and city lite, GeoIP2 Enterprise:
            // every type whose records carry `country.iso_code`.
            guard ["country", "city", "enterprise"].contains(where: type.contains) else {
                return "\(path) is a \(database.reader.metadata.databaseType) database, not a country database"
            }
            return nil
        } catch {
            return "\(path): \(error)"
        }
    }
}
