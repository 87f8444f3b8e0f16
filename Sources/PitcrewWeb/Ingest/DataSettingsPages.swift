import Foundation
import Hummingbird
import PitcrewCore
import PitcrewIngest
import PitcrewStore

/// `/data/settings`: the workspace's default country, channel grouping (JSON, GA4's default unless replaced) and typed
/// custom fields. Admins change them; everyone else reads them.
struct DataSettingsPages {
    let web: WebController
    let settings: DataSettingsService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("data/settings", use: page)
        router.post("data/settings", use: update)
        router.post("data/settings/fields", use: defineField)
        router.post("data/settings/rules", use: addRule)
        router.post("data/settings/rules/{index}/move", use: moveRule)
        router.post("data/settings/rules/{index}/delete", use: deleteRule)
    }

    struct FieldRow {
        var entity, key, label, type: String
    }

    struct RuleRow {
        var index: Int
        var number: Int
        var channel: String
        var summary: String
        var canMoveUp: Bool
        var canMoveDown: Bool
        var matched: Bool
    }

    /// The "which channel?" check of a landing URL and referrer against the rules.
    struct Check {
        var url: String
        var referrer: String
        var source: String
        var medium: String
        var channel: String
        var rule: String
    }

    struct Model {
        var title = "Data settings"
        var shell: ShellModel
        var defaultCountry: String
        var currency: String
        var grouping: String
        var rules: [RuleRow]
        var fallbackChannel: String
        var categories = SourceCategory.allCases.map(\.rawValue)
        var check: Check?
        var fields: [FieldRow]
        var canManage: Bool
        var error: String?
        var saved: Bool
    }

    func render(
        _ context: AppRequestContext, error: String? = nil, saved: Bool = false, groupingText: String? = nil, checking: (url: String, referrer: String)? = nil
    ) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let current = try await settings.settings(scope)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let grouping = try groupingText ?? String(decoding: encoder.encode(current.channelGrouping), as: UTF8.self)
        let rules = current.channelGrouping.rules
        var check: Check?
        var matched: Int?
        if let checking {
            let signal = TouchSignal.from(url: checking.url, referrer: checking.referrer.isEmpty ? nil : checking.referrer)
            matched = current.channelGrouping.compiled().matchingRule(signal)
            check = Check(
                url: checking.url, referrer: checking.referrer, source: signal.source, medium: signal.medium,
                channel: matched.map { rules[$0].channel } ?? current.channelGrouping.fallbackChannel,
                rule: matched.map { "rule \($0 + 1)" } ?? "no rule (the fallback channel)")
        }
        let model = Model(
            shell: shell, defaultCountry: current.defaultCountry ?? "", currency: current.currency, grouping: grouping,
            rules: rules.enumerated().map { index, rule in
                RuleRow(
                    index: index, number: index + 1, channel: rule.channel, summary: rule.summary, canMoveUp: index > 0,
                    canMoveDown: index < rules.count - 1, matched: index == matched)
            },
            fallbackChannel: current.channelGrouping.fallbackChannel, check: check,
            fields: current.customFields.map { FieldRow(entity: $0.entity, key: $0.key, label: $0.label, type: $0.type.rawValue) },
            canManage: scope.role.allows(.manageMembers), error: error, saved: saved)
        return web.pages.render("data_settings", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let url = query["check_url"].map { String($0).trimmingASCIIWhitespace() }
        let referrer = query["check_referrer"].map { String($0).trimmingASCIIWhitespace() } ?? ""
        return try await render(context, checking: url.map { ($0, referrer) })
    }

    // MARK: Rule builder (the JSON below it stays for what the form cannot say: any-of groups, negation)

    /// Adds a rule of one condition at the top (checked first) or just above the catch-all end of the list.
    @Sendable func addRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        let channel = (form["channel"] ?? "").trimmingASCIIWhitespace()
        let value = (form["value"] ?? "").trimmingASCIIWhitespace()
        var problems: [String] = []
        if channel.isEmpty || channel.count > 100 { problems.append("channel: give the channel a name of at most 100 characters") }
        var condition = ChannelCondition()
        let field = ChannelCondition.Field(rawValue: form["field"] ?? "")
        switch form["test"] ?? "" {
        case "equals":
            let values = value.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
            if values.isEmpty { problems.append("value: list one or more values, separated by commas") }
            condition = ChannelCondition(field: field, equals: values)
        case "matches":
            if value.isEmpty || (try? Regex(value)) == nil { problems.append("value: \"\(value)\" is not a regular expression") }
            condition = ChannelCondition(field: field, matches: value)
        case "in":
            guard let category = SourceCategory(rawValue: value.lowercased()) else {
                problems.append("value: the source category is one of \(SourceCategory.allCases.map(\.rawValue).joined(separator: ", "))")
                break
            }
            condition = ChannelCondition(field: field, inCategory: category)
        case "click":
            condition = ChannelCondition(hasClickID: value.split(separator: ",").map { String($0).trimmingASCIIWhitespace().lowercased() }.filter { !$0.isEmpty })
        default:
            problems.append("test: choose how the rule tests the visit")
        }
        if field == nil && form["test"] != "click" { problems.append("field: choose source, medium or campaign") }
        guard problems.isEmpty else { return try await render(context, error: problems.joined(separator: "; ")) }
        return try await changeRules(scope, context) { rules in
            let rule = ChannelRule(channel, [condition])
            if form["position"] == "bottom" { rules.append(rule) } else { rules.insert(rule, at: 0) }
        }
    }

    @Sendable func moveRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        let index = try context.parameters.require("index", as: Int.self)
        guard let direction = form["direction"], direction == "up" || direction == "down" else {
            throw PitcrewError.invalid("direction", "must be up or down")
        }
        return try await changeRules(scope, context, index: index, channel: form["channel"]) { rules in
            let target = direction == "down" ? index + 1 : index - 1
            guard rules.indices.contains(target) else { throw PitcrewError.invalid("direction", "rule \(index + 1) cannot move \(direction)") }
            rules.swapAt(index, target)
        }
    }

    @Sendable func deleteRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        let index = try context.parameters.require("index", as: Int.self)
        return try await changeRules(scope, context, index: index, channel: form["channel"]) { rules in rules.remove(at: index) }
    }

    /// Changes the workspace's rules through the settings service (which checks the role, validates and audits), then
    /// shows the page again (after a redirect, so reloading does not repeat the change).
    /// `index` and `channel` (moves and deletes) name the rule as the page showed it: when the rules changed since (another
    /// tab, a double click), nothing is changed and the page says so.
    private func changeRules(
        _ scope: AccessScope, _ context: AppRequestContext, index: Int? = nil, channel: String? = nil, _ change: (inout [ChannelRule]) throws -> Void
    ) async throws -> Response {
        var grouping = try await settings.settings(scope).channelGrouping
        if let index {
            guard grouping.rules.indices.contains(index), grouping.rules[index].channel == channel else {
                return try await render(context, error: "The rules changed since this page was shown (another tab, or a second click); nothing was changed.")
            }
        }
        try change(&grouping.rules)
        let json = String(decoding: try JSONEncoder().encode(grouping), as: UTF8.self)
        do {
            _ = try await settings.update(scope, defaultCountry: nil, channelGroupingJSON: .some(json))
        } catch let error as PitcrewError where error.kind == .invalid {
            return try await render(context, error: error.description)
        }
        return Response.redirect(to: "/data/settings#rules", type: .normal)
    }

    /// The form sends both fields; an empty country clears it, an empty grouping goes back to GA4's default.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        let country = (form["default_country"] ?? "").trimmingASCIIWhitespace()
        let currency = (form["currency"] ?? "").trimmingASCIIWhitespace()
        let grouping = (form["channel_grouping"] ?? "").trimmingASCIIWhitespace()
        do {
            _ = try await settings.update(
                scope, defaultCountry: .some(country.isEmpty ? nil : country), currency: currency.isEmpty ? nil : currency,
                channelGroupingJSON: .some(grouping.isEmpty ? nil : grouping))
            return try await render(context, saved: true)
        } catch let error as PitcrewError where error.kind == .invalid {
            return try await render(context, error: error.description, groupingText: grouping)
        }
    }

    @Sendable func defineField(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        do {
            _ = try await settings.setCustomField(
                scope, entity: form["entity"] ?? "", key: form["key"] ?? "", label: form["label"] ?? "", type: form["type"] ?? "")
            return try await render(context, saved: true)
        } catch let error as PitcrewError where error.kind == .invalid {
            return try await render(context, error: error.description)
        }
    }
}
