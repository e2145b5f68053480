@testable import Console
import Crypto
import Foundation
import SIPTestSupport
import Testing

/// The QR Code encoder against symbols made by two other encoders, segno and
/// python-qrcode, which agree module for module (Tests/Fixtures/qr/generate.py says how,
/// and why segno is patched first).
@Suite("Console: QR Code")
struct QRCodeTests {
    /// One of Tests/Fixtures/qr/cases: level, version, mask, text, rows.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let level: QRCode.ErrorCorrection
        let version: Int
        let mask: Int
        let text: String
        let rows: [String]

        var testDescription: String { name }

        init(_ name: String) throws {
            let lines = try String(contentsOf: Fixtures.url("qr/cases/\(name).txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            func field(_ index: Int, _ key: String) throws -> String {
                let parts = lines[index].split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0] == key else { throw FixtureError.malformed(name, lines[index]) }
                return parts[1]
            }
            self.name = name
            self.level = try QRCodeTests.level(try field(0, "level"))
            self.version = try #require(Int(try field(1, "version")))
            self.mask = try #require(Int(try field(2, "mask")))
            self.text = String(decoding: try QRCodeTests.bytes(hex: try field(3, "text")), as: UTF8.self)
            self.rows = Array(lines.dropFirst(4))
        }
    }

    enum FixtureError: Error { case malformed(String, String) }

    static let cases = ["short", "otpauth", "long", "utf8"]

    static func level(_ letter: String) throws -> QRCode.ErrorCorrection {
        switch letter {
        case "L": .low
        case "M": .medium
        case "Q": .quartile
        case "H": .high
        default: throw FixtureError.malformed("level", letter)
        }
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            try #require(UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16))
        }
    }

    static func rows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { x in code.isDark(x: x, y: y) ? "1" : "0" }) }
    }

    @Test("the fixtures cover what enrolment needs: a realistic otpauth URI, version 7 and up, non-ASCII UTF-8")
    func fixtureCoverage() throws {
        let loaded = try Self.cases.map(Case.init)
        #expect(loaded.contains { $0.text.hasPrefix("otpauth://totp/SIPWarden:alice?secret=") })
        #expect(loaded.contains { $0.version >= 7 })
        #expect(loaded.contains { $0.version >= 10 }, "16-bit character count (Table 3)")
        #expect(loaded.contains { $0.text.utf8.count > $0.text.unicodeScalars.count })
        for fixture in loaded {
            #expect(fixture.rows.count == 17 + 4 * fixture.version)
            #expect(fixture.rows.allSatisfy { $0.count == fixture.rows.count })
        }
    }

    @Test("with the reference's mask forced, every module equals the reference symbol's", arguments: cases)
    func forcedMask(_ name: String) throws {
        let fixture = try Case(name)
        let code = try QRCode(text: fixture.text, errorCorrection: fixture.level, mask: fixture.mask)
        #expect(code.version == fixture.version)
        #expect(code.size == 17 + 4 * fixture.version)
        #expect(Self.rows(code) == fixture.rows)
    }

    @Test("the mask chosen by the penalty of §7.8.3 is segno's own choice, and so is the whole symbol", arguments: cases)
    func chosenMask(_ name: String) throws {
        let fixture = try Case(name)
        let code = try QRCode(text: fixture.text, errorCorrection: fixture.level)
        #expect(code.mask == fixture.mask)
        #expect(Self.rows(code) == fixture.rows)
    }

    /// A line of versions.txt: version, level, forced mask, text length, SHA-256 of the
    /// rows with that mask, the mask segno chooses itself.
    struct Sweep: CustomTestStringConvertible, Sendable {
        let version: Int
        let level: QRCode.ErrorCorrection
        let letter: String
        let mask: Int
        let length: Int
        let digest: String
        let ownMask: Int

        var testDescription: String { "\(version)-\(letter)" }

        /// The text generate.py builds: character i is alphabet[(i × 7 + version) % 62].
        var text: String {
            let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            return String((0..<length).map { alphabet[($0 * 7 + version) % 62] })
        }

        static func all() throws -> [Sweep] {
            try String(contentsOf: Fixtures.url("qr/versions.txt"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { line in
                    let fields = line.split(separator: " ").map(String.init)
                    guard fields.count == 6, let version = Int(fields[0]), let mask = Int(fields[2]), let length = Int(fields[3]),
                        let ownMask = Int(fields[5])
                    else {
                        throw FixtureError.malformed("versions.txt", String(line))
                    }
                    return Sweep(
                        version: version, level: try QRCodeTests.level(fields[1]), letter: fields[1], mask: mask, length: length,
                        digest: fields[4], ownMask: ownMask)
                }
        }
    }

    @Test("all 160 versions and levels, each filled to capacity: same symbol as the references (SHA-256 of the rows)")
    func everyVersionAndLevel() throws {
        let sweeps = try Sweep.all()
        #expect(sweeps.count == 160)
        for sweep in sweeps {
            let code = try QRCode(text: sweep.text, errorCorrection: sweep.level, mask: sweep.mask)
            #expect(code.version == sweep.version, "\(sweep.testDescription)")
            let rows = Self.rows(code).joined(separator: "\n")
            let digest = SHA256.hash(data: Data(rows.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(digest == sweep.digest, "\(sweep.testDescription)")
        }
    }

    /// Versions 1 to 20 only: the evaluation runs eight times per symbol, slow for the
    /// large ones in a debug build, and nothing in it depends on the version beyond the
    /// function patterns, all of which (version information included) appear by version 7.
    @Test("the mask chosen for each text of the sweep up to version 20 is segno's own choice")
    func everyVersionMask() throws {
        for sweep in try Sweep.all() where sweep.version <= 20 {
            let code = try QRCode(text: sweep.text, errorCorrection: sweep.level)
            #expect(code.mask == sweep.ownMask, "\(sweep.testDescription)")
        }
    }

    @Test("each sweep text is the longest that fits its version: one byte more needs the next version")
    func capacities() throws {
        for sweep in try Sweep.all() {
            #expect(QRCode.smallestVersion(bytes: sweep.length, level: sweep.level) == sweep.version)
            let next = QRCode.smallestVersion(bytes: sweep.length + 1, level: sweep.level)
            #expect(next == (sweep.version == 40 ? nil : sweep.version + 1), "\(sweep.testDescription)")
        }
    }

    @Test("more bytes than version 40 holds (Table 7) is an error counting UTF-8 bytes, not characters")
    func tooLong() throws {
        #expect(try QRCode(text: String(repeating: "a", count: 2331)).version == 40)
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 2332)) { try QRCode(text: String(repeating: "a", count: 2332)) }
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 2400)) { try QRCode(text: String(repeating: "é", count: 1200)) }
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 1274)) {
            try QRCode(text: String(repeating: "a", count: 1274), errorCorrection: .high)
        }
        #expect(try QRCode(text: String(repeating: "a", count: 2953), errorCorrection: .low).version == 40)
    }

    @Test("the higher the level, the larger the symbol for the same text")
    func levels() throws {
        let text = "otpauth://totp/SIPWarden:alice?secret=JBSWY3DPEHPK3PXP&issuer=SIPWarden&algorithm=SHA1&digits=6&period=30"
        let versions = try [QRCode.ErrorCorrection.low, .medium, .quartile, .high].map { try QRCode(text: text, errorCorrection: $0).version }
        #expect(versions == [5, 6, 8, 10], "Table 7, byte mode, 105 bytes")
    }

    @Test("modules outside the symbol are light (the quiet zone)")
    func outside() throws {
        let code = try QRCode(text: "SIPWarden")
        #expect(code.isDark(x: 0, y: 0), "finder pattern corner")
        #expect(!code.isDark(x: -1, y: 0))
        #expect(!code.isDark(x: 0, y: code.size))
        #expect(!code.isDark(x: code.size, y: code.size - 1))
    }

    @Test("SVG: well-formed, sized in modules with a 4-module quiet zone, no style attribute, the path draws exactly the dark modules")
    func svg() throws {
        let code = try QRCode(text: "otpauth://totp/SIPWarden:alice?secret=JBSWY3DPEHPK3PXP&issuer=SIPWarden")
        let svg = code.svg(moduleSize: 5, label: "Scan with your authenticator")
        #expect(!svg.contains("style"))
        let root = try XMLTree.parse(svg)
        let side = code.size + 8
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 \(side) \(side)")
        #expect(root.attributes["width"] == "\(side * 5)")
        #expect(root.attributes["height"] == "\(side * 5)")
        #expect(root.attributes["shape-rendering"] == "crispEdges")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-label"] == "Scan with your authenticator")
        let background = try #require(root.children.first)
        #expect(background.name == "rect" && background.attributes["fill"] == "#fff")
        #expect(background.attributes["width"] == "\(side)" && background.attributes["height"] == "\(side)")
        let paths = root.all("path")
        #expect(paths.count == 1)
        let path = try #require(paths.first)
        #expect(path.attributes["fill"] == "#000")

        // Each run is "M<x> <y>h<n>v1h-<n>z"; paint them and compare with isDark.
        var painted = Set<[Int]>()
        for run in (path.attributes["d"] ?? "").split(separator: "z") {
            let numbers = run.split(whereSeparator: { "Mhv- ".contains($0) }).compactMap { Int($0) }
            try #require(run.hasPrefix("M") && numbers.count == 5 && numbers[3] == 1 && numbers[2] == numbers[4])
            for x in numbers[0]..<numbers[0] + numbers[2] { painted.insert([x - 4, numbers[1] - 4]) }
        }
        var dark = Set<[Int]>()
        for y in 0..<code.size { for x in 0..<code.size where code.isDark(x: x, y: y) { dark.insert([x, y]) } }
        #expect(painted == dark)
    }

    @Test("SVG: the label is escaped in the aria-label attribute")
    func svgLabel() throws {
        let svg = try QRCode(text: "x").svg(label: "<script>\"'&")
        #expect(svg.contains(#"aria-label="&lt;script&gt;&quot;&apos;&amp;""#))
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("style="))
        #expect(try XMLTree.parse(svg).attributes["aria-label"] == "<script>\"'&")
    }
}
