@testable import Console
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Charts read back through Foundation's XMLParser (FoundationXML on Linux, libxml2
/// underneath): what a browser's XML parser would refuse, this refuses.
@Suite("Console: SVG charts")
struct SVGChartTests {
    static let hours = ["08:00", "09:00", "10:00", "11:00", "12:00"]
    static let threeSeries = [
        ChartSeries(name: "Inbound", values: [3, 5, 8, 1, 2]),
        ChartSeries(name: "Outbound", values: [1, 2, 3, 4, 5]),
        ChartSeries(name: "Failed", values: [0.5, 0, 1, 0, 2]),
    ]

    /// The data marks of a chart: rects (bars) or circles (points) inside a series group.
    static func marks(_ root: XMLTree, _ name: String) -> [XMLTree] {
        root.all("g").filter { $0.attributes["class"]?.hasPrefix("series-") == true }.flatMap { $0.children.filter { $0.name == name } }
    }

    static let tickCases: [(Double, [Double])] = [
        (7, [0, 2, 4, 6, 8]),
        (0.4, [0, 0.1, 0.2, 0.3, 0.4]),
        (1234, [0, 500, 1000, 1500]),
        (8, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (11, [0, 5, 10, 15]),
        (1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0.004, [0, 0.001, 0.002, 0.003, 0.004]),
        (2_500_000, [0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000]),
    ]

    @Test("ticks: from 0, 4 to 6 of them, a step of 1, 2 or 5 × 10ⁿ", arguments: tickCases)
    func ticks(_ maximum: Double, _ expected: [Double]) {
        #expect(ChartAxis.ticks(maximum: maximum) == expected)
    }

    @Test("ticks for every maximum from 0.01 to 100000 in small steps: 4 to 6, the last at or above the maximum")
    func tickRule() {
        var maximum = 0.01
        while maximum < 100_000 {
            let ticks = ChartAxis.ticks(maximum: maximum)
            #expect((4...6).contains(ticks.count), "\(maximum)")
            #expect(ticks.first == 0 && ticks.last! >= maximum, "\(maximum)")
            let step = ticks[1]
            var mantissa = step
            while mantissa >= 10 { mantissa /= 10 }
            while mantissa < 1 { mantissa *= 10 }
            #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(step) for \(maximum)")
            maximum *= 1.07
        }
    }

    static let compactCases: [(Double, String)] = [
        (0, "0"), (0.1, "0.1"), (0.25, "0.25"), (7, "7"), (500, "500"), (1000, "1k"), (1234, "1.2k"), (1500, "1.5k"),
        (15_000, "15k"), (2_500_000, "2.5M"), (3e9, "3B"), (1e12, "1T"), (0.001, "0.001"),
    ]

    @Test("tick labels are compact", arguments: compactCases)
    func compact(_ value: Double, _ text: String) {
        #expect(ChartAxis.compact(value) == text)
    }

    @Test("bars: one per label and series, each with its tooltip; a legend for several series; well-formed, no style, no script")
    func bars() throws {
        let svg = SVGChart.bars(title: "Calls per hour", labels: Self.hours, series: Self.threeSeries, unit: "calls")
        #expect(!svg.contains("style=") && !svg.contains("<script"))
        let root = try XMLTree.parse(svg)
        #expect(root.attributes["viewBox"] == "0 0 640 220")
        #expect(root.attributes["role"] == "img" && root.attributes["aria-label"] == "Calls per hour")
        #expect(root.attributes["class"] == "chart")
        #expect(root.attributes["font-family"] == "system-ui, sans-serif" && root.attributes["font-size"] == "11")
        let first = try #require(root.children.first)
        #expect(first.name == "title" && first.text == "Calls per hour")
        let bars = Self.marks(root, "rect")
        #expect(bars.count == Self.hours.count * Self.threeSeries.count)
        #expect(bars.allSatisfy { $0.tooltip != nil })
        let firstTooltip = bars.first.flatMap(\.tooltip)
        #expect(firstTooltip == "08:00 · Inbound: 3 calls")
        let groups = root.all("g").filter { $0.attributes["class"]?.hasPrefix("series-") == true }
        #expect(groups.map { $0.attributes["fill"] } == ["#2563eb", "#ea580c", "#16a34a"])
        let legends = root.all("g").filter { $0.attributes["class"]?.hasPrefix("legend") == true }
        #expect(legends.count == 3)
        #expect(!root.all("g").filter { $0.attributes["class"] == "grid" }.isEmpty)
        #expect(!root.all("g").filter { $0.attributes["class"] == "axis" }.isEmpty)
        // 8 is the largest value: the axis goes to 8, so that bar reaches the top grid line.
        let tallest = try #require(bars.max { Double($0.attributes["height"]!)! < Double($1.attributes["height"]!)! })
        let tallestTooltip = tallest.tooltip
        #expect(tallestTooltip == "10:00 · Inbound: 8 calls")
    }

    @Test("lines: a polyline per series and a marker per point with its tooltip; one series has no legend")
    func lines() throws {
        let svg = SVGChart.lines(
            title: "Online devices", labels: Self.hours, series: [ChartSeries(name: "Online", values: [10, 12, 9, 14, 1500])], unit: "devices")
        #expect(!svg.contains("style=") && !svg.contains("<script"))
        let root = try XMLTree.parse(svg)
        #expect(root.all("polyline").count == 1)
        let points = Self.marks(root, "circle")
        #expect(points.count == Self.hours.count)
        #expect(points.map(\.tooltip) == [
            "08:00: 10 devices", "09:00: 12 devices", "10:00: 9 devices", "11:00: 14 devices", "12:00: 1500 devices",
        ])
        let legends = root.all("g").filter { $0.attributes["class"]?.hasPrefix("legend") == true }
        #expect(legends.isEmpty)
        let axisTexts = root.all("text").map(\.text)
        #expect(axisTexts.contains("1.5k") && axisTexts.contains("devices"))
    }

    @Test("negative, NaN and infinite values are drawn as 0; missing values count as 0")
    func badValues() throws {
        let svg = SVGChart.bars(
            title: "t", labels: ["a", "b", "c", "d", "e"], series: [ChartSeries(name: "s", values: [-5, .nan, .infinity, 4])])
        let bars = Self.marks(try XMLTree.parse(svg), "rect")
        #expect(bars.map { $0.attributes["height"] == "0" } == [true, true, true, false, true])
        #expect(bars.map(\.tooltip) == ["a: 0", "b: 0", "c: 0", "d: 4", "e: 0"])
    }

    @Test("no data: all zero, nothing drawable, no labels or no series give the empty-state text and no marks")
    func empty() throws {
        let cases = [
            SVGChart.bars(title: "Calls", labels: Self.hours, series: [ChartSeries(name: "s", values: [0, 0, 0, 0, 0])]),
            SVGChart.lines(title: "Calls", labels: Self.hours, series: [ChartSeries(name: "s", values: [-1, .nan, 0])]),
            SVGChart.bars(title: "Calls", labels: [], series: Self.threeSeries),
            SVGChart.lines(title: "Calls", labels: Self.hours, series: []),
        ]
        for svg in cases {
            #expect(!svg.contains("style="))
            let root = try XMLTree.parse(svg)
            #expect(root.all("text").contains { $0.attributes["class"] == "empty" && $0.text == "No data for this period" })
            #expect(Self.marks(root, "rect").isEmpty && Self.marks(root, "circle").isEmpty && root.all("polyline").isEmpty)
        }
    }

    @Test("<script> and quotes in the title, labels, series names and unit come out as text")
    func escaping() throws {
        let hostile = "<script>alert('x')</script>\"&"
        for svg in [
            SVGChart.bars(title: hostile, labels: [hostile, "b"], series: [ChartSeries(name: hostile, values: [1, 2]), ChartSeries(name: "n", values: [2, 1])], unit: hostile),
            SVGChart.lines(title: hostile, labels: [hostile, "b"], series: [ChartSeries(name: hostile, values: [1, 2]), ChartSeries(name: "n", values: [2, 1])], unit: hostile),
        ] {
            #expect(!svg.contains("<script"))
            #expect(svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;&quot;&amp;"))
            let root = try XMLTree.parse(svg)
            #expect(root.attributes["aria-label"] == hostile)
            let svgTitle = root.all("title").first.map(\.text)
            #expect(svgTitle == hostile)
            let texts = root.all("text").map(\.text)
            #expect(texts.filter { $0 == hostile }.count == 3, "the title, the series name in the legend, the unit")
            #expect(texts.contains(SVGChart.shorten(hostile)), "x label, shortened")
            #expect(root.all("title").contains { $0.text == "\(hostile) · \(hostile): 1 \(hostile)" }, "tooltip")
        }
    }

    @Test("x labels are thinned so that neither overlaps the next")
    func thinning() throws {
        let labels = (0..<96).map { "2026-11-22 \($0 / 4):\(($0 % 4) * 15)" }
        let root = try XMLTree.parse(SVGChart.bars(title: "t", labels: labels, series: [ChartSeries(name: "s", values: labels.indices.map(Double.init))]))
        let xLabels = root.all("text").filter { $0.attributes["text-anchor"] == "middle" }
        #expect(xLabels.count > 1 && xLabels.count < labels.count)
        let positions = xLabels.compactMap { $0.attributes["x"].flatMap(Double.init) }
        for (left, right) in zip(xLabels, xLabels.dropFirst()) {
            let distance = Double(right.attributes["x"]!)! - Double(left.attributes["x"]!)!
            let needed = (SVGChart.textWidth(left.text) + SVGChart.textWidth(right.text)) / 2
            #expect(distance >= needed, "\(left.text) and \(right.text)")
        }
        #expect(positions == positions.sorted())
    }

    @Test("2000 labels × 6 series: no crash, well-formed, a few hundred kilobytes at most")
    func manyLabels() throws {
        let labels = (0..<2000).map { "label \($0)" }
        let series = (0..<6).map { index in ChartSeries(name: "s\(index)", values: labels.indices.map { Double(($0 * (index + 3)) % 97) }) }
        for svg in [SVGChart.bars(title: "t", labels: labels, series: series), SVGChart.lines(title: "t", labels: labels, series: series)] {
            #expect(svg.utf8.count < 400_000)
            let root = try XMLTree.parse(svg)
            #expect(Self.marks(root, "rect").isEmpty && Self.marks(root, "circle").isEmpty, "no element per value")
            #expect(root.all("text").filter { $0.attributes["text-anchor"] == "middle" }.count < 40)
        }
        for count in [0, 1, 2, 400, 401] {
            let svg = SVGChart.bars(title: "t", labels: Array(labels.prefix(count)), series: [ChartSeries(name: "s", values: [1, 2, 3])])
            #expect(throws: Never.self) { try XMLTree.parse(svg) }
        }
    }

    @Test("more series than colours: the palette repeats, the classes keep counting")
    func palette() throws {
        let series = (0..<8).map { ChartSeries(name: "s\($0)", values: [1]) }
        let root = try XMLTree.parse(SVGChart.lines(title: "t", labels: ["a"], series: series))
        let groups = root.all("g").filter { $0.attributes["class"]?.hasPrefix("series-") == true }
        #expect(groups.map { $0.attributes["class"] } == (0..<8).map { "series-\($0)" })
        #expect(groups[6].attributes["stroke"] == "#2563eb" && groups[7].attributes["stroke"] == "#ea580c")
        #expect(groups[5].attributes["stroke"] == "#64748b")
    }
}

/// An element read back by XMLParser: name, attributes, children, text content.
final class XMLTree {
    let name: String
    let attributes: [String: String]
    var children: [XMLTree] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The text of the first `<title>` child: an SVG element's tooltip.
    var tooltip: String? {
        children.first { $0.name == "title" }.map(\.text)
    }

    /// This element and its descendants named `name`, in document order.
    func all(_ name: String) -> [XMLTree] {
        (self.name == name ? [self] : []) + children.flatMap { $0.all(name) }
    }

    enum ParseError: Error { case malformed(String) }

    static func parse(_ xml: String) throws -> XMLTree {
        let parser = XMLParser(data: Data(xml.utf8))
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw ParseError.malformed(parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            let element = XMLTree(name: elementName, attributes: attributeDict)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
