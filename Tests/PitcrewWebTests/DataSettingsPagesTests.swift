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
            let saved = try await owner.post(client, "/data/settings", form: "default_country=France&currency=eur&channel_grouping=\(encoded)")
            #expect(saved.status == .ok && saved.text.contains("Saved.") && saved.text.contains("Partners &lt;b&gt;"))
            #expect(saved.text.contains(#"name="currency" value="EUR""#))
            let stored = try await fixture.database.rawRead { raw in
                try await raw.rows("SELECT default_country, currency FROM workspaces WHERE id = ?", [.text(fixture.a.workspace.id)])
            }
            #expect(stored.first == [.text("FR"), .text("EUR")])
            let bad = try await owner.post(client, "/data/settings", form: "default_country=&channel_grouping=%7Bnope")
            #expect(bad.status == .badRequest && bad.text.contains("channel_grouping"))
            let field = try await owner.post(client, "/data/settings/fields", form: "entity=contact&key=seats&label=Seats&type=number")
            #expect(field.status == .ok && field.text.contains("<code>seats</code>"))
            let noCSRF = try await owner.post(client, "/data/settings", form: "default_country=DE", csrf: false)
            #expect(noCSRF.status == .forbidden)
        }
    }

    /// The rule builder: rules in words, added, moved and deleted with forms, and checked against a landing URL.
    @Test(arguments: TestBackend.available)
    func channelRulesAreBuiltWithoutJSON(backend: TestBackend) async throws {
        try await TestApp.with(backend) { client, fixture in
            let owner = try await BrowserSession.signIn(client, email: "alpha-owner@example.com")
            let page = try await owner.get(client, "/data/settings")
            #expect(page.status == .ok && page.text.contains("Channel rules") && page.text.contains("<td>Paid Search</td>"))
            let check = "/data/settings?check_url=" + "https://acme.example/?utm_source=partnerco&utm_medium=partner".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let before = try await owner.get(client, check)
            #expect(before.status == .ok && before.text.contains("medium <code>partner</code>") && !before.text.contains("<strong>Partners</strong>"))

            let added = try await owner.post(client, "/data/settings/rules", form: "channel=Partners&field=medium&test=equals&value=partner%2C+affiliate&position=top")
            #expect(added.status == .seeOther || added.status == .found)
            let after = try await owner.get(client, check)
            #expect(after.text.contains("channel <strong>Partners</strong> by rule 1.") && after.text.contains("medium is one of partner, affiliate"))
            // Collection uses the new rule.
            let grouping = try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope).channelGrouping
            #expect(grouping.rules.first == ChannelRule("Partners", [.field(.medium, equals: ["partner", "affiliate"])]))

            // Moved below the next rule it is checked second; deleted, it is gone.
            #expect(try await owner.post(client, "/data/settings/rules/0/move", form: "direction=down&channel=Partners").status == .seeOther)
            #expect(try await owner.get(client, check).text.contains("by rule 2."))
            #expect(try await owner.post(client, "/data/settings/rules/1/move", form: "direction=up&channel=Partners").status == .seeOther)
            #expect(try await owner.post(client, "/data/settings/rules/99/move", form: "direction=up&channel=Partners").status == .badRequest)
            #expect(try await owner.post(client, "/data/settings/rules/0/move", form: "direction=sideways&channel=Partners").status == .badRequest)
            #expect(try await owner.post(client, "/data/settings/rules/0/delete", form: "channel=Partners").status == .seeOther)
            #expect(!(try await owner.get(client, check).text.contains("<strong>Partners</strong>")))
            // A second click (or a stale tab) names a rule that is no longer there: nothing else is deleted.
            let rulesBefore = try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope)
                .channelGrouping.rules
            let stale = try await owner.post(client, "/data/settings/rules/0/delete", form: "channel=Partners")
            #expect(stale.status == .badRequest && stale.text.contains("The rules changed since this page was shown"))
            #expect(try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope)
                .channelGrouping.rules == rulesBefore)

            // JSON with a misspelt key, an empty rule or a broken pattern is refused with the place of each problem.
            let typo = #"{"fallbackChannel":"","rules":[{"channel":"Partners","conditions":[{"field":"source","equal":["partnerstack"]}]},{"channel":"All","conditions":[]},{"channel":"X","conditions":[{"field":"medium","matches":"(["}]}]}"#
            let refusedJSON = try await owner.post(
                client, "/data/settings", form: "default_country=&channel_grouping=" + typo.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(refusedJSON.status == .badRequest)
            for place in ["rules[0].conditions[0].equal", "rules[0].conditions[0]: needs a test", "rules[1].conditions", "rules[2].conditions[0].matches", "fallbackChannel"] {
                #expect(refusedJSON.text.contains(place), "\(place)")
            }
            #expect(try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope)
                .channelGrouping.rules == rulesBefore)

            // Bad input is named and nothing changes.
            let count = try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope).channelGrouping.rules.count
            let badRegex = try await owner.post(client, "/data/settings/rules", form: "channel=X&field=source&test=matches&value=%28unclosed")
            #expect(badRegex.status == .badRequest && badRegex.text.contains("is not a regular expression"))
            let noName = try await owner.post(client, "/data/settings/rules", form: "channel=&field=source&test=in&value=nope")
            #expect(noName.status == .badRequest && noName.text.contains("channel:") && noName.text.contains("source category is one of"))
            #expect(try await DataSettingsService(database: fixture.database, collection: fixture.services.collection).settings(fixture.a.scope).channelGrouping.rules.count == count)

            // Only admins change rules; everyone reads them.
            let marketer = try await fixture.services.access.createUser(
                email: "m@example.com", name: "M", password: "correct horse battery", actor: .system("test"))
            _ = try await fixture.services.access.setMember(fixture.a.scope, email: marketer.email, role: .marketer)
            let member = try await BrowserSession.signIn(client, email: "m@example.com")
            #expect(try await member.get(client, "/data/settings").text.contains("Channel rules"))
            let refused = try await member.post(client, "/data/settings/rules", form: "channel=Partners&field=medium&test=equals&value=partner")
            #expect(refused.status == .forbidden)
            #expect(try await member.post(client, "/data/settings/rules", form: "channel=Partners&field=medium&test=equals&value=partner", csrf: false).status == .forbidden)
        }
    }
}
