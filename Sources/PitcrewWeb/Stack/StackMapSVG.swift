import Foundation
import PitcrewStack

/// The integration map, drawn on the server: one column per landscape category, tools stacked by name, integrations
/// as curves with arrows. Planned integrations are dashed, broken ones red, disabled ones grey; integrations on a
/// cycle are marked. Readable at 60+ tools: columns stay under ~20 rows, and every edge has a tooltip.
enum StackMapSVG {
    static let columnWidth = 230.0
    static let boxWidth = 176.0
    static let rowHeight = 34.0
    static let boxHeight = 24.0
    static let top = 44.0

    static func render(tools: [Tool], integrations: [Integration], cycle: Set<String>) -> String {
        let shown = tools.filter { $0.status != .retired }
        var position: [String: (x: Double, y: Double)] = [:]
        var columns: [(label: String, tools: [Tool])] = MartechTaxonomy.categories.map { category in
            (category.label, shown.filter { $0.category == category.key }.sorted { $0.name < $1.name })
        }
        let known = Set(MartechTaxonomy.categories.map(\.key))
        let others = shown.filter { !known.contains($0.category) }
        if !others.isEmpty { columns.append(("Other", others)) }
        for (c, column) in columns.enumerated() {
            for (r, tool) in column.tools.enumerated() {
                position[tool.id] = (16 + Double(c) * columnWidth, top + Double(r) * rowHeight)
            }
        }
        let rows = columns.map(\.tools.count).max() ?? 0
        let width = 16 + Double(columns.count) * columnWidth
        let height = top + Double(max(rows, 1)) * rowHeight + 16
        var svg = "<svg class=\"stack-map\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Integration map: \(shown.count) tools, \(integrations.count) integrations\">"
        svg += "<title>Integration map</title>"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#4a5568\"/></marker></defs>"
        for (c, column) in columns.enumerated() {
            svg += "<text class=\"map-column\" x=\"\(16 + Double(c) * columnWidth)\" y=\"24\">\(SVGChart.escape(column.label))</text>"
        }
        let names = Dictionary(uniqueKeysWithValues: tools.map { ($0.id, $0.name) })
        for integration in integrations {
            guard let a = position[integration.sourceToolID], let b = position[integration.targetToolID] else { continue }
            // Leave and enter on the facing sides; within a column, loop out to the right.
            let (x1, x2, c1, c2): (Double, Double, Double, Double)
            let y1 = a.y + boxHeight / 2, y2 = b.y + boxHeight / 2
            if a.x == b.x {
                let bend = 40.0 + abs(y2 - y1) / 6
                (x1, x2) = (a.x + boxWidth, b.x + boxWidth)
                (c1, c2) = (x1 + bend, x2 + bend)
            } else if b.x > a.x {
                (x1, x2) = (a.x + boxWidth, b.x)
                let bend = max(40, (x2 - x1) / 2)
                (c1, c2) = (x1 + bend, x2 - bend)
            } else {
                (x1, x2) = (a.x, b.x + boxWidth)
                let bend = max(40, (x1 - x2) / 2)
                (c1, c2) = (x1 - bend, x2 + bend)
            }
            var classes = "edge \(integration.status.rawValue)"
            if cycle.contains(integration.id) { classes += " cycle" }
            let both = integration.direction == .two_way ? " marker-start=\"url(#arrow)\"" : ""
            let label = "\(names[integration.sourceToolID] ?? "?") \(integration.direction == .two_way ? "↔" : "→") \(names[integration.targetToolID] ?? "?"): \(integration.objects.joined(separator: ", ")) (\(integration.cadence.rawValue.replacingOccurrences(of: "_", with: " ")), \(integration.status.rawValue)\(cycle.contains(integration.id) ? ", on a cycle" : ""))"
            svg += "<path class=\"\(classes)\" d=\"M\(SVGChart.round(x1)),\(SVGChart.round(y1)) C\(SVGChart.round(c1)),\(SVGChart.round(y1)) \(SVGChart.round(c2)),\(SVGChart.round(y2)) \(SVGChart.round(x2)),\(SVGChart.round(y2))\" marker-end=\"url(#arrow)\"\(both)><title>\(SVGChart.escape(label))</title></path>"
        }
        for tool in shown {
            guard let p = position[tool.id] else { continue }
            let name = tool.name.count > 24 ? String(tool.name.prefix(23)) + "…" : tool.name
            svg += "<a href=\"/martech/tools/\(SVGChart.escape(tool.id))\"><rect class=\"node \(tool.status.rawValue)\" x=\"\(SVGChart.round(p.x))\" y=\"\(SVGChart.round(p.y))\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" rx=\"5\"><title>\(SVGChart.escape(tool.name)) (\(tool.status.rawValue))</title></rect>"
            svg += "<text x=\"\(SVGChart.round(p.x + 8))\" y=\"\(SVGChart.round(p.y + 16))\">\(SVGChart.escape(name))</text></a>"
        }
        return svg + "</svg>"
    }
}
