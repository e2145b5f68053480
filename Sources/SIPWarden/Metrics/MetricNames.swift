import Prometheus

/// The names, units and help texts of every series the server exposes, in one place so that
/// docs/metrics.md can be checked against it. Computed rather than stored: the descriptor
/// type is not Sendable, and each is read once, when its series is made.
enum MetricNames {
    static let namespace = "sipwarden"

    static func counter(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: name, unitName: "total", helpText: help)
    }

    /// A gauge counts things that exist now; it has no unit suffix.
    static func gauge(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: name, unitName: "", helpText: help)
    }

    static func seconds(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: namespace, metricName: name, unitName: "seconds", helpText: help)
    }

    // MARK: - Transports

    static var packetsReceived: MetricNameDescriptor {
        counter("packets_received", "UDP datagrams and TCP/TLS messages read, before the ingress gate (NAT keep-alives excepted)")
    }
    static var packetsSent: MetricNameDescriptor {
        counter("packets_sent", "UDP datagrams and TCP/TLS messages written")
    }

    // MARK: - Engines

    static var requests: MetricNameDescriptor {
        counter("sip_requests", "SIP requests read, by method (unknown methods as other)")
    }
    static var responses: MetricNameDescriptor {
        counter("sip_responses", "SIP responses sent, the server's own and forwarded ones, by status code")
    }
    static var parseErrors: MetricNameDescriptor {
        counter("sip_parse_errors", "SIP messages that could not be parsed, framed or validated")
    }
    static var answerDuration: MetricNameDescriptor {
        seconds("sip_answer_duration", "Time from handling a request's bytes to writing the server's own final answer to it")
    }
    /// 0.1 ms to 1 s: an answer from memory takes tens of microseconds, one that waits for the
    /// registrar's lock or a digest check up to a millisecond; past a second something is wrong.
    static let answerBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1),
    ]
    static var transactionsCreated: MetricNameDescriptor {
        counter("transactions_created", "SIP transactions created, server and client")
    }
    static var transactionsActive: MetricNameDescriptor {
        gauge("transactions_active", "SIP transactions in progress (updated after each message and timer tick)")
    }

    // MARK: - State counted at scrape time

    static var registrations: MetricNameDescriptor {
        gauge("registration_bindings", "Contacts registered with the registrar")
    }
    static var calls: MetricNameDescriptor {
        gauge("calls_active", "Calls in progress (ringing or answered)")
    }
    static var callRecords: MetricNameDescriptor {
        counter("cdrs_written", "Call records written to the database")
    }

    // MARK: - Guard and fraud

    static var bans: MetricNameDescriptor {
        counter("bans", "Bans issued by the Guard, by jail")
    }
    static var bansActive: MetricNameDescriptor {
        gauge("bans_active", "Networks banned at the ingress gate now (bans and the blocklist file)")
    }
    static var guardDropped: MetricNameDescriptor {
        counter("guard_dropped_packets", "Packets the ingress gate dropped unanswered, by reason (banned, country, flood)")
    }
    static var guardRefused: MetricNameDescriptor {
        counter("guard_refused_packets", "Requests from banned sources answered 403 instead of dropped")
    }
    static var guardRefusedConnections: MetricNameDescriptor {
        counter("guard_refused_connections", "TCP/TLS connections refused at accept by the ingress gate")
    }
    static var fraudActions: MetricNameDescriptor {
        counter("fraud_actions", "Actions of the toll-fraud monitors: alerts sent, accounts blocked, calls hung up")
    }
}
