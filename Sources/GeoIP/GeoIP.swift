/// The GeoIP module: a MaxMind DB reader.
public enum GeoIP {}
