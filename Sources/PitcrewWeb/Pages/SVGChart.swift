import Foundation

/// Charts drawn on the server as SVG. Labels are escaped here, so templates may embed the result unescaped.
enum SVGChart {
    /// A vertical bar chart with one bar a label (e.g. a day), the largest value marked on the axis.
    static func columns(_ points: [(label: String, value: Double)], title: String, every labelStep: Int = 5) -> String {
        let width = 720.0
        let height = 220.0
        let left = 44.0
        let bottom = 28.0
        let top = 10.0
        let maximum = max(points.map(\.value).max() ?? 0, 1)
        let slot = (width - left) / Double(max(points.count, 1))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<title>\(escape(title))</title>"
        svg += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\"/>"
        svg += "<text x=\"0\" y=\"\(top + 8)\">\(escape(format(maximum)))</text><text x=\"0\" y=\"\(height - bottom)\">0</text>"
        for (index, point) in points.enumerated() {
            let barHeight = (height - bottom - top) * point.value / maximum
            let x = left + Double(index) * slot + slot * 0.15
            svg += "<rect class=\"bar\" x=\"\(round(x))\" y=\"\(round(height - bottom - barHeight))\" width=\"\(round(slot * 0.7))\" height=\"\(round(barHeight))\">"
            svg += "<title>\(escape(point.label)): \(escape(format(point.value)))</title></rect>"
            if index % labelStep == 0 {
                svg += "<text x=\"\(round(x))\" y=\"\(height - 8)\">\(escape(point.label))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Horizontal bars with the label on the left and the formatted value on the right.
    static func bars(_ points: [(label: String, value: Double, display: String)], title: String) -> String {
        let rowHeight = 28.0
        let width = 720.0
        let labelWidth = labelColumn(points.map(\.label), minimum: 160)
        let valueWidth = 110.0
        let height = rowHeight * Double(max(points.count, 1)) + 8
        let maximum = max(points.map(\.value).max() ?? 0, 1)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<title>\(escape(title))</title>"
        for (index, point) in points.enumerated() {
            let y = Double(index) * rowHeight + 4
            let barWidth = max(1, (width - labelWidth - valueWidth) * point.value / maximum)
            svg += labelText(point.label, x: 0, y: y + 17)
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(round(barWidth))\" height=\"\(rowHeight - 10)\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 17)\">\(escape(point.display))</text>"
        }
        return svg + "</svg>"
    }

    /// Labels (campaign names run long) get a column that fits the longest, up to `longestLabel` characters; longer ones
    /// are cut with "…" (`labelText`) and keep their whole text as a tooltip.
    static let longestLabel = 44

    static func labelColumn(_ labels: [String], minimum: Double) -> Double {
        min(max(minimum, Double(min(labels.map(\.count).max() ?? 0, longestLabel)) * 6.0 + 12), 300.0)
    }

    static func labelText(_ label: String, x: Double, y: Double) -> String {
        let shown = label.count > longestLabel ? String(label.prefix(longestLabel - 1)) + "…" : label
        return "<text x=\"\(x)\" y=\"\(y)\"><title>\(escape(label))</title>\(escape(shown))</text>"
    }

    static func round(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Escapes text for SVG/HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension SVGChart {
    /// Horizontal bars grouped by label, one bar per series (e.g. channels × attribution models), with a legend.
    static func groupedBars(labels: [String], series: [(name: String, values: [Double])], title: String) -> String {
        let width = 720.0
        let labelWidth = labelColumn(labels, minimum: 150)
        let barHeight = 9.0
        let groupGap = 10.0
        let legendHeight = 22.0
        let groupHeight = Double(series.count) * barHeight + groupGap
        let height = legendHeight + groupHeight * Double(max(labels.count, 1)) + 4
        let maximum = max(series.flatMap(\.values).max() ?? 0, 1e-9)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<title>\(escape(title))</title>"
        var x = 0.0
        for (index, item) in series.enumerated() {
            svg += "<rect class=\"s\(index % 8)\" x=\"\(round(x))\" y=\"4\" width=\"10\" height=\"10\"/>"
            svg += "<text x=\"\(round(x + 14))\" y=\"13\">\(escape(item.name))</text>"
            x += 14 + Double(item.name.count) * 6.5 + 16
        }
        for (row, label) in labels.enumerated() {
            let top = legendHeight + Double(row) * groupHeight
            svg += labelText(label, x: 0, y: ((top + groupHeight / 2) * 10).rounded() / 10)
            for (index, item) in series.enumerated() {
                let value = row < item.values.count ? item.values[row] : 0
                let barWidth = max(0.5, (width - labelWidth - 60) * value / maximum)
                svg += "<rect class=\"s\(index % 8)\" x=\"\(labelWidth)\" y=\"\(round(top + Double(index) * barHeight))\" width=\"\(round(barWidth))\" height=\"\(barHeight - 1)\">"
                svg += "<title>\(escape(label)) · \(escape(item.name)): \(escape(String(format: "%.2f", value)))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    /// A funnel: one bar per step, width by count, labelled with the count and the share of the first step.
    static func funnel(_ steps: [(name: String, count: Int, share: Double)], title: String) -> String {
        let width = 720.0
        let rowHeight = 38.0
        let height = rowHeight * Double(max(steps.count, 1)) + 6
        let maximum = Double(max(steps.map(\.count).max() ?? 0, 1))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<title>\(escape(title))</title>"
        for (index, step) in steps.enumerated() {
            let barWidth = max(2, (width - 200) * Double(step.count) / maximum)
            let x = (width - 200 - barWidth) / 2
            let y = Double(index) * rowHeight + 4
            svg += "<rect class=\"bar\" x=\"\(round(x))\" y=\"\(round(y))\" width=\"\(round(barWidth))\" height=\"\(rowHeight - 8)\"/>"
            svg += "<text x=\"\(width - 190)\" y=\"\(round(y + 20))\">\(escape(step.name)): \(step.count) (\(escape(String(format: "%.1f", step.share * 100)))%)</text>"
        }
        return svg + "</svg>"
    }
}
