public import Foundation
public import PitcrewCore
public import PitcrewStore
import SQLKit

/// A workspace's data settings: the default country for phone numbers, its currency (what imports read amounts of a
/// file without a currency column in, and what reports count), its channel grouping (GA4's default unless set), and
/// typed custom fields for contact and account traits.
public struct DataSettings: Sendable, Equatable {
    public var defaultCountry: String?
    public var currency: String
    public var channelGrouping: ChannelGrouping
    public var customFields: [CustomField]
}

public struct CustomField: Sendable, Equatable, Codable {
    public var entity: String
    public var key: String
    public var label: String
    public var type: CustomFieldType

    public init(entity: String, key: String, label: String, type: CustomFieldType) {
        self.entity = entity
        self.key = key
        self.label = label
        self.type = type
    }
}

public struct DataSettingsService: Sendable {
    public let database: Database
    let collection: CollectionService

    public init(database: Database, collection: CollectionService) {
        self.database = database
        self.collection = collection
    }

    public func settings(_ scope: AccessScope) async throws -> DataSettings {
        try scope.require(.read)
        return try await database.rawRead { raw in
            let row = try await raw.rows("SELECT default_country, channel_grouping, currency FROM workspaces WHERE id = ?", [.text(scope.workspace.id)]).first
            let grouping = row?[1].text.flatMap { try? JSONDecoder().decode(ChannelGrouping.self, from: Data($0.utf8)) } ?? .defaultGA4
            let fields = try await raw.rows(
                "SELECT entity, key, label, type FROM custom_fields WHERE workspace_id = ? ORDER BY entity, key", [.text(scope.workspace.id)]
            ).compactMap { row -> CustomField? in
                guard let entity = row[0].text, let key = row[1].text, let label = row[2].text, let type = row[3].text.flatMap(CustomFieldType.init)
                else { return nil }
                return CustomField(entity: entity, key: key, label: label, type: type)
            }
            return DataSettings(defaultCountry: row?[0].text, currency: row?[2].text ?? "USD", channelGrouping: grouping, customFields: fields)
        }
    }

    /// Changes the default country (`.set(nil)` clears it) and/or the channel grouping (`nil` grouping JSON: back to GA4's).
    public func update(
        _ scope: AccessScope, defaultCountry: String??, currency: String? = nil, channelGroupingJSON: String??
    ) async throws -> DataSettings {
        try scope.require(.manageMembers)
        var validator = Validator()
        let newCurrency = currency.map { $0.trimmingASCIIWhitespace().uppercased() }
        if let newCurrency { validator.check(Currency.isKnown(newCurrency), "currency", "is not an ISO 4217 currency code (USD, EUR, GBP…)") }
        var country: String?? = nil
        if let requested = defaultCountry {
            if let text = requested {
                let code = Country.alpha2(text)
                validator.check(code != nil, "default_country", "is not a country name or ISO 3166 code")
                country = .some(code)
            } else {
                country = .some(nil)
            }
        }
        if let json = channelGroupingJSON ?? nil {
            let problems = ChannelGroupingCheck.problems(json)
            for (path, reason) in problems { validator.add(path, reason) }
            if problems.isEmpty, (try? JSONDecoder().decode(ChannelGrouping.self, from: Data(json.utf8))) == nil {
                validator.add("channel_grouping", "is not a channel grouping")
            }
        }
        try validator.finish()
        let before = try await settings(scope)
        let newCountry = country
        try await database.transaction { db in
            if let country = newCountry {
                try await db.raw("UPDATE workspaces SET default_country = \(bind: country) WHERE id = \(bind: scope.workspace.id)").run()
            }
            if let json = channelGroupingJSON {
                try await db.raw("UPDATE workspaces SET channel_grouping = \(bind: json) WHERE id = \(bind: scope.workspace.id)").run()
            }
            if let newCurrency {
                try await db.raw("UPDATE workspaces SET currency = \(bind: newCurrency) WHERE id = \(bind: scope.workspace.id)").run()
            }
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "data_settings.update", entity: "workspace",
                entityID: scope.workspace.id, before: ["default_country": before.defaultCountry, "currency": before.currency],
                after: ["default_country": newCountry ?? before.defaultCountry, "currency": newCurrency ?? before.currency])
        }
        collection.settingsChanged(workspaceID: scope.workspace.id)
        return try await settings(scope)
    }

    /// Defines (or redefines) a typed custom field; every problem is reported at once.
    public func setCustomField(_ scope: AccessScope, entity: String, key: String, label: String, type: String) async throws -> CustomField {
        try scope.require(.manageMembers)
        var validator = Validator()
        let fieldType = CustomFieldType(rawValue: type)
        validator.check(fieldType != nil, "type", "must be one of text, number, boolean, date")
        let field = CustomField(entity: entity, key: key, label: label, type: fieldType ?? .text)
        validator.check(["contact", "account"].contains(field.entity), "entity", "must be contact or account")
        validator.check(
            !field.key.isEmpty && field.key.utf8.count <= 64 && field.key.utf8.allSatisfy { $0 == 95 || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) },
            "key", "must be 1–64 letters, digits or underscores")
        let label = Validation.name(field.label, field: "label", max: 100, into: &validator)
        try validator.finish()
        let stored = CustomField(entity: field.entity, key: field.key, label: label, type: field.type)
        try await database.transaction { db in
            try await db.raw("DELETE FROM custom_fields WHERE workspace_id = \(bind: scope.workspace.id) AND entity = \(bind: stored.entity) AND key = \(bind: stored.key)").run()
            try await db.raw(
                """
                INSERT INTO custom_fields (workspace_id, entity, key, label, type, created_at)
                VALUES (\(bind: scope.workspace.id), \(bind: stored.entity), \(bind: stored.key), \(bind: stored.label), \(bind: stored.type.rawValue), \(bind: Timestamp.now()))
                """
            ).run()
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "custom_field.set", entity: "custom_field",
                entityID: "\(stored.entity).\(stored.key)", after: stored)
        }
        return stored
    }
}
