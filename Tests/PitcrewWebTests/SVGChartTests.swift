@testable import PitcrewWeb
import Testing

@Suite struct SVGChartTests {
    /// Long labels (campaign names) get a wider label column instead of running under the bars; very long ones are cut
    /// with "…" and keep their whole text as a tooltip; labels are escaped.
    @Test func longLabelsFitTheirColumn() {
        let long = "2026-Q3 Competitor Conquest · Paid Search · North America & <EMEA> extended"
        let svg = SVGChart.bars([(long, 3, "3.0"), ("Email", 1, "1.0")], title: "Conversions")
        #expect(svg.contains(#"<rect class="bar" x="276.0""#), "\(svg)")
        #expect(svg.contains("<title>2026-Q3 Competitor Conquest · Paid Search · North America &amp; &lt;EMEA&gt; extended</title>"))
        #expect(svg.contains("2026-Q3 Competitor Conquest · Paid Search ·…</text>"))
        let short = SVGChart.bars([("Email", 1, "1.0")], title: "Conversions")
        #expect(short.contains(#"<rect class="bar" x="160.0""#))
    }
}
