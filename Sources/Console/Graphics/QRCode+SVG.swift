extension QRCode {
    /// The light margin of §6.3.8, 4 modules on every side.
    static let quietZone = 4

    /// An `<svg>` element: a light background, then one `<path>` of the dark modules with
    /// horizontal runs merged into single rectangles, in a view box measured in modules
    /// (quiet zone included) and displayed at `moduleSize` CSS pixels per module (at least 1).
    /// Colours are presentation attributes and there is no `style` attribute, since the
    /// console's Content-Security-Policy refuses inline styles; `crispEdges` keeps the
    /// renderer from antialiasing the seams between modules into grey lines.
    public func svg(moduleSize: Int = 4, label: String) -> String {
        let side = size + 2 * Self.quietZone
        let pixels = side * max(moduleSize, 1)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var end = x + 1
                while end < size, isDark(x: end, y: y) { end += 1 }
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(end - x)v1h-\(end - x)z"
                x = end
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img" \
            aria-label="\(XMLText.escape(label))">\
            <rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/>\
            </svg>
            """
    }
}
