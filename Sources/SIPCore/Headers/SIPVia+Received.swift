extension SIPVia {
    /// This Via with the `received` and `rport` parameters a server adds before sending a
    /// response back (RFC 3261 §18.2.1, RFC 3581 §4): any earlier `received` and `rport` are
    /// replaced; the other parameters keep their order.
    ///
    /// - Parameters:
    ///   - received: the packet's source IP (IPv6 without brackets, RFC 3261 §25.1), or nil to
    ///     add none.
    ///   - rport: the packet's source port, or nil to leave `rport` out.
    public func withSource(received: String?, rport: Int?) -> String {
        var text = "\(protocolName)/\(protocolVersion)/\(transport) \(host)"
        if let port { text += ":\(port)" }
        for parameter in parameters
        where !parameter.name.equalsIgnoringCase("received") && !parameter.name.equalsIgnoringCase("rport") {
            text += ";" + parameter.description
        }
        if let received { text += ";received=" + received }
        if let rport { text += ";rport=\(rport)" }
        return text
    }
}
