public import Storage

/// How many devices were online over a bucket (or the period), from the samples the server
/// takes: without a sample there is nothing to say, so every figure but `samples` is nil
/// rather than 0 (a gap in the samples is not "nobody online").
public struct OnlineFigures: Sendable, Equatable {
    public var samples: Int
    public var minimumDevices: Int?
    public var maximumDevices: Int?
    /// The sum of the samples' device counts, for the average.
    public var deviceSum: Int64
    public var maximumBindings: Int?

    public init(samples: Int = 0, minimumDevices: Int? = nil, maximumDevices: Int? = nil, deviceSum: Int64 = 0, maximumBindings: Int? = nil) {
        self.samples = samples
        self.minimumDevices = minimumDevices
        self.maximumDevices = maximumDevices
        self.deviceSum = deviceSum
        self.maximumBindings = maximumBindings
    }

    public mutating func count(_ sample: OnlineSample) {
        samples += 1
        minimumDevices = min(minimumDevices ?? sample.devices, sample.devices)
        maximumDevices = max(maximumDevices ?? sample.devices, sample.devices)
        deviceSum += Int64(sample.devices)
        maximumBindings = max(maximumBindings ?? sample.bindings, sample.bindings)
    }

    /// Devices online on average over the samples, one decimal.
    public var averageDevices: ReportDecimal? { ReportDecimal.ratio(deviceSum, Int64(samples), places: 1) }
}
