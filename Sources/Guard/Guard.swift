/// The Guard module: intrusion prevention.
public enum GuardModule {}
