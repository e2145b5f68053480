/// Records shaped like GeoLite2-Country's: `country` and `registered_country`, each with an
/// ISO code, a geoname id and names. For tests only, as values for `MMDBFixtureWriter`.
public enum GeoLiteRecord {
    /// A `country` (or `registered_country`) map: `iso_code`, `geoname_id`, `names`.
    public static func country(_ code: String, _ name: String, geonameID: UInt32 = 1) -> MMDBFixtureValue {
        .map([
            "geoname_id": .uint32(geonameID),
            "iso_code": .string(code),
            "names": .map(["en": .string(name), "fr": .string(name + " (fr)")]),
        ])
    }

    /// A record whose country and registered country are the same.
    public static func located(_ code: String, _ name: String) -> MMDBFixtureValue {
        .map([
            "continent": .map(["code": .string("EU"), "names": .map(["en": .string("Europe")])]),
            "country": country(code, name),
            "registered_country": country(code, name),
        ])
    }

    /// A record with only a registered country, as GeoLite2 has for some anycast networks.
    public static func registeredOnly(_ code: String, _ name: String) -> MMDBFixtureValue {
        .map(["registered_country": country(code, name)])
    }
}
