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
    }

    struct FieldRow {
        var entity, key, label, type: String
    }

    struct Model {
        var title = "Data settings"
        var shell: ShellModel
        var defaultCountry: String
        var grouping: String
        var fields: [FieldRow]
        var canManage: Bool
        var error: String?
        var saved: Bool
    }

    func render(_ context: AppRequestContext, error: String? = nil, saved: Bool = false, groupingText: String? = nil) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: DataPages.page)
        let current = try await settings.settings(scope)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let grouping = try groupingText ?? String(decoding: encoder.encode(current.channelGrouping), as: UTF8.self)
        let model = Model(
            shell: shell, defaultCountry: current.defaultCountry ?? "", grouping: grouping,
            fields: current.customFields.map { FieldRow(entity: $0.entity, key: $0.key, label: $0.label, type: $0.type.rawValue) },
            canManage: scope.role.allows(.manageMembers), error: error, saved: saved)
        return web.pages.render("data_settings", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await render(context)
    }

    /// The form sends both fields; an empty country clears it, an empty grouping goes back to GA4's default.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(web.access)
        let form = try await FormFields.read(request, context: context)
        let country = (form["default_country"] ?? "").trimmingASCIIWhitespace()
        let grouping = (form["channel_grouping"] ?? "").trimmingASCIIWhitespace()
        do {
            _ = try await settings.update(
                scope, defaultCountry: .some(country.isEmpty ? nil : country), channelGroupingJSON: .some(grouping.isEmpty ? nil : grouping))
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
