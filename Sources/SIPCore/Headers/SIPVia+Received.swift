import NIOCore

extension SIPVia {
    /// This Via with the `received` and `rport` parameters a server adds before sending a
    /// response back (RFC 3261 §18.2.1, RFC 3581 §4): any earlier `received` and `rport` are
    /// replaced; the other parameters keep their order.
    ///
    /// - Parameters:
    ///   - received: the packet's source IP (IPv6 without brackets, RFC 3261 §25.1), or nil to
    ///     add none.
    ///   - rport: the packet's source port, or nil to leave `rport` out.
    public func withSource(received: SIPString?, rport: Int?) -> SIPString {
        let parameters = self.parameters
        let protocolName = self.protocolName, protocolVersion = self.protocolVersion
        let transport = self.transport, host = self.host
        var buffer = ByteBuffer()
        // The rewritten value is never longer than the original (spacing is normalised, the
        // old received and rport dropped) plus what is added; should that bound ever fall
        // short, the value is counted and written again.
        let bound = text.count + 10 + (received?.count ?? 0) + 7 + 20
        let write = { (writer: inout DirectByteWriter) in
            writer.write(protocolName.buffer)
            writer.write(byte: ASCII.slash)
            writer.write(protocolVersion.buffer)
            writer.write(byte: ASCII.slash)
            writer.write(transport.buffer)
            writer.write(byte: ASCII.space)
            writer.write(host.buffer)
            if let port {
                writer.write(byte: ASCII.colon)
                writer.write(decimal: port)
            }
            for parameter in parameters
            where !parameter.name.equalsIgnoringCase("received") && !parameter.name.equalsIgnoringCase("rport") {
                writer.write(byte: ASCII.semicolon)
                writer.write(parameter.name.buffer)
                if let value = parameter.rawValue {
                    writer.write(byte: ASCII.equals)
                    writer.write(value.buffer)
                }
            }
            if let received {
                writer.write(";received=")
                writer.write(received.buffer)
            }
            if let rport {
                writer.write(";rport=")
                writer.write(decimal: rport)
            }
        }
        if !DirectByteWriter.write(into: &buffer, maximum: bound, write) {
            DirectByteWriter.write(into: &buffer, write)
        }
        return SIPString(buffer: buffer)
    }
}

