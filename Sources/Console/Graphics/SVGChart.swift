/// One named row of values, one value per label of the chart.
public struct ChartSeries: Sendable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Charts drawn on the server as SVG for the dashboard and the reports, so that pages need
/// no script to show them.
///
/// The markup has no `style` attribute and no script (the console's Content-Security-Policy
/// allows neither inline): colours, font and sizes are presentation attributes, which any
/// CSS rule overrides, and the elements carry the classes `chart`, `series-N`, `axis`,
/// `grid`, `legend` and `empty` for such rules. Every text from the caller is XML-escaped.
/// Values that are negative, NaN or infinite are drawn (and shown in tooltips) as 0. A value
/// missing from a series counts as 0; values beyond the labels are ignored. Width and height
/// are taken within 80…10000 and 60…10000.
///
/// Each bar and each point has a `<title>` (the browser's tooltip) reading
/// "label: value unit", with the series name after the label when there are several
/// series. Past `detailedLabelLimit` labels (an hour-by-hour month, say) the chart is
/// drawn without them: one path per series instead of a rectangle or marker per value,
/// which keeps 2000 labels under a few hundred kilobytes. Charts of that many labels are
/// unreadable anyway; callers should aggregate first.
public enum SVGChart {
    /// Beyond this many labels, bars and points lose their own elements and tooltips.
    static let detailedLabelLimit = 400
    static let emptyText = "No data for this period"

    /// Grouped vertical bars, one colour per series; y axis from 0 with 4–6 "nice" ticks (1, 2, 5 × 10^n),
    /// value labels formatted compactly (1.2k), x labels thinned so they never overlap, a legend when >1 series,
    /// an empty-state text ("No data for this period") when all values are 0 or there are no labels.
    public static func bars(
        title: String, labels: [String], series: [ChartSeries], unit: String = "", width: Int = 640, height: Int = 220
    ) -> String {
        draw(.bars, title: title, labels: labels, series: series, unit: unit, width: width, height: height)
    }

    /// Lines with small point markers, same axes rules.
    public static func lines(
        title: String, labels: [String], series: [ChartSeries], unit: String = "", width: Int = 640, height: Int = 220
    ) -> String {
        draw(.lines, title: title, labels: labels, series: series, unit: unit, width: width, height: height)
    }

    enum Kind { case bars, lines }

    /// Colours with a contrast of at least 3:1 against white (WCAG 2.1 §1.4.11, non-text
    /// contrast), told apart by hue and lightness: blue, orange, green, red, purple, grey.
    static let palette = ["#2563eb", "#ea580c", "#16a34a", "#dc2626", "#7c3aed", "#64748b"]

    static func colour(_ index: Int) -> String { palette[index % palette.count] }

    private static func draw(
        _ kind: Kind, title: String, labels: [String], series: [ChartSeries], unit: String, width: Int, height: Int
    ) -> String {
        let width = min(max(width, 80), 10_000)
        let height = min(max(height, 60), 10_000)
        // Rows of drawable values: as many as labels, 0 for anything that is not a finite positive number.
        let rows = series.map { item in
            labels.indices.map { index -> Double in
                guard index < item.values.count else { return 0 }
                let value = item.values[index]
                return value.isFinite && value > 0 ? value : 0
            }
        }
        let maximum = rows.lazy.flatMap { $0 }.max() ?? 0

        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("class", "chart"), ("width", "\(width)"), ("height", "\(height)"),
                ("viewBox", "0 0 \(width) \(height)"), ("role", "img"), ("aria-label", title),
                ("font-family", "system-ui, sans-serif"), ("font-size", "11"),
            ])
        svg.element("title", text: title)
        svg.element("text", [("x", "8"), ("y", "16"), ("font-size", "13"), ("font-weight", "600"), ("fill", "#0f172a")], text: title)

        guard maximum > 0 else {
            svg.element(
                "text",
                [("class", "empty"), ("x", number(Double(width) / 2)), ("y", number(Double(height) / 2 + 12)),
                 ("text-anchor", "middle"), ("fill", "#64748b")],
                text: emptyText)
            svg.close("svg")
            return svg.output
        }

        let ticks = ChartAxis.ticks(maximum: maximum)
        let tickTexts = ticks.map { ChartAxis.compact($0) }

        // Legend rows under the title, wrapped at the right edge.
        var legend: [(index: Int, x: Double, row: Int)] = []
        if series.count > 1 {
            var x = 8.0
            var row = 0
            for (index, item) in series.enumerated() {
                let itemWidth = 14 + textWidth(item.name) + 14
                if x > 8, x + itemWidth > Double(width) - 8 {
                    x = 8
                    row += 1
                }
                legend.append((index, x, row))
                x += itemWidth
            }
        }
        let legendRows = legend.map(\.row).max().map { $0 + 1 } ?? 0

        let plot = (
            left: max(32, (tickTexts.map(textWidth).max() ?? 0) + 14),
            top: 24 + Double(legendRows) * 16 + 16,
            right: Double(width) - 12,
            bottom: Double(height) - 22
        )
        let plotWidth = max(plot.right - plot.left, 1)
        let plotHeight = max(plot.bottom - plot.top, 1)
        let axisMaximum = ticks.last ?? maximum
        func y(_ value: Double) -> Double { plot.bottom - value / axisMaximum * plotHeight }
        let slot = plotWidth / Double(labels.count)
        func centre(_ index: Int) -> Double { plot.left + (Double(index) + 0.5) * slot }

        for entry in legend {
            let top = 24 + Double(entry.row) * 16
            svg.open("g", [("class", "legend series-\(entry.index)")])
            svg.element(
                "rect",
                [("x", number(entry.x)), ("y", number(top)), ("width", "10"), ("height", "10"), ("fill", colour(entry.index))])
            svg.element("text", [("x", number(entry.x + 14)), ("y", number(top + 9)), ("fill", "#334155")], text: series[entry.index].name)
            svg.close("g")
        }

        // Grid lines at every tick above 0, then the axes, then the tick and x labels.
        svg.open("g", [("class", "grid"), ("stroke", "#e2e8f0"), ("stroke-width", "1")])
        for tick in ticks.dropFirst() {
            svg.element("line", [("x1", number(plot.left)), ("x2", number(plot.right)), ("y1", number(y(tick))), ("y2", number(y(tick)))])
        }
        svg.close("g")
        svg.open("g", [("class", "axis"), ("stroke", "#94a3b8"), ("stroke-width", "1")])
        svg.element("line", [("x1", number(plot.left)), ("x2", number(plot.left)), ("y1", number(plot.top)), ("y2", number(plot.bottom))])
        svg.element("line", [("x1", number(plot.left)), ("x2", number(plot.right)), ("y1", number(plot.bottom)), ("y2", number(plot.bottom))])
        svg.close("g")
        svg.open("g", [("class", "axis"), ("fill", "#475569")])
        if !unit.isEmpty {
            svg.element("text", [("class", "unit"), ("x", "8"), ("y", number(plot.top - 8))], text: unit)
        }
        for (tick, text) in zip(ticks, tickTexts) {
            svg.element("text", [("x", number(plot.left - 6)), ("y", number(y(tick) + 4)), ("text-anchor", "end")], text: text)
        }
        let shortened = labels.map { shorten($0) }
        let every = ChartAxis.labelStep(widest: shortened.map(textWidth).max() ?? 0, slot: slot)
        for index in stride(from: 0, to: labels.count, by: every) {
            svg.element(
                "text", [("x", number(centre(index))), ("y", number(plot.bottom + 15)), ("text-anchor", "middle")],
                text: shortened[index])
        }
        svg.close("g")

        let detailed = labels.count <= detailedLabelLimit
        func tooltip(_ seriesIndex: Int, _ index: Int, _ value: Double) -> String {
            let name = series.count > 1 ? " · \(series[seriesIndex].name)" : ""
            return "\(labels[index])\(name): \(ChartAxis.plain(value))\(unit.isEmpty ? "" : " \(unit)")"
        }

        switch kind {
        case .bars:
            // 80 % of each label's slot for its group of bars, split evenly between the series.
            let barWidth = slot * 0.8 / Double(max(rows.count, 1))
            for (seriesIndex, values) in rows.enumerated() {
                svg.open("g", [("class", "series-\(seriesIndex)"), ("fill", colour(seriesIndex))])
                var path = ""
                for (index, value) in values.enumerated() {
                    let x = plot.left + Double(index) * slot + slot * 0.1 + Double(seriesIndex) * barWidth
                    let top = y(value)
                    if detailed {
                        svg.open(
                            "rect",
                            [("x", number(x)), ("y", number(top)), ("width", number(barWidth)), ("height", number(plot.bottom - top))])
                        svg.element("title", text: tooltip(seriesIndex, index, value))
                        svg.close("rect")
                    } else if value > 0 {
                        path += "M\(number(x)) \(number(top))h\(number(barWidth))V\(number(plot.bottom))h-\(number(barWidth))z"
                    }
                }
                if !detailed, !path.isEmpty { svg.element("path", [("d", path)]) }
                svg.close("g")
            }
        case .lines:
            for (seriesIndex, values) in rows.enumerated() {
                svg.open("g", [("class", "series-\(seriesIndex)"), ("fill", colour(seriesIndex)), ("stroke", colour(seriesIndex))])
                let points = values.indices.map { "\(number(centre($0))),\(number(y(values[$0])))" }.joined(separator: " ")
                svg.element("polyline", [("fill", "none"), ("stroke-width", "2"), ("stroke-linejoin", "round"), ("points", points)])
                if detailed {
                    for (index, value) in values.enumerated() {
                        svg.open("circle", [("cx", number(centre(index))), ("cy", number(y(value))), ("r", "2.5"), ("stroke", "none")])
                        svg.element("title", text: tooltip(seriesIndex, index, value))
                        svg.close("circle")
                    }
                }
                svg.close("g")
            }
        }
        svg.close("svg")
        return svg.output
    }

    /// A coordinate with at most one decimal: a tenth of a user unit is below what any
    /// screen shows at these sizes, and shorter numbers keep large charts small.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let whole = abs(tenths) / 10
        let fraction = abs(tenths) % 10
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// The width a text takes at font-size 11, estimated: the font is the reader's own
    /// (system-ui), so it cannot be measured here. 6.5 px per character is on the wide
    /// side for Latin sans-serif faces; ideographs and other wide scalars count twice.
    static func textWidth(_ text: String) -> Double {
        text.unicodeScalars.reduce(0) { total, scalar in total + (scalar.value >= 0x2E80 ? 13 : 6.5) }
    }

    /// Axis labels longer than 16 characters are cut with an ellipsis; the tooltip keeps the whole label.
    static func shorten(_ label: String) -> String {
        label.count > 16 ? String(label.prefix(15)) + "…" : label
    }
}

/// Builds the markup, escaping every attribute value and text.
private struct SVGWriter {
    var output = ""

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        output += "<\(name)"
        for (key, value) in attributes { output += " \(key)=\"\(XMLText.escape(value))\"" }
        output += ">"
    }

    mutating func close(_ name: String) {
        output += "</\(name)>"
    }

    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil) {
        open(name, attributes)
        guard let text else {
            output.removeLast()
            output += "/>"
            return
        }
        output += XMLText.escape(text)
        close(name)
    }
}
