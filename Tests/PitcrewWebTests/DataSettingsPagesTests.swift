import Foundation
import HTTPTypes
import HummingbirdTesting
import PitcrewCore
import PitcrewIngest
import PitcrewStore
import PitcrewTestSupport
import PitcrewWeb
import Testing

@Suite struct DataSettingsPagesTests {
    @Test(arguments: TestBackend.available)
    func ownersChangeSettingsViewersOnlyRead(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let owner = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let page = try await owner.get(client, "/data/settings")
            #expect(page.status == .ok && page.text.contains("Organic Search") && page.text.contains("No custom fields yet"))
            let grouping = #"{"rules": [{"channel": "Partners <b>", "conditions": [{"field": "medium", "equals": ["partner"]}]}]}"#
            let encoded = grouping.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let saved = try await owner.post(client, "/data/settings", form: "default_country=France&channel_grouping=\(encoded)")
            #expect(saved.status == .ok && saved.text.contains("Saved.") && saved.text.contains("Partners &lt;b&gt;"))
            let stored = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT default_country FROM workspaces WHERE id = ?", [.text(fixture.a.workspace.id)])
            }
            #expect(stored.first?.first == .text("FR"))
            let bad = try await owner.post(client, "/data/settings", form: "default_country=&channel_grouping=%7Bnope")
            #expect(bad.status == .badRequest && bad.text.contains("channel_grouping"))
            let field = try await owner.post(client, "/data/settings/fields", form: "entity=contact&key=seats&label=Seats&type=number")
            #expect(field.status == .ok && field.text.contains("<code>seats</code>"))
            let noCSRF = try await owner.post(client, "/data/settings", form: "default_country=DE", csrf: false)
            #expect(noCSRF.status == .forbidden)
        }
    }
}
