import Foundation
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewIngest
import PitcrewStore

/// `/api/v1/sources` (write keys, live debugger) and `/api/v1/events` (stored events, totals).
struct IngestController {
    let access: AccessService
    let collection: CollectionService
    let events: EventService
    let settings: DataSettingsService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("sources", use: sources)
        group.post("sources", use: createSource)
        group.post("sources/{id}/rotate", use: rotateSource)
        group.delete("sources/{id}", use: revokeSource)
        group.get("sources/{id}/debugger", use: debugger)
        group.get("events", use: listEvents)
        group.get("events/stats", use: stats)
        group.get("data-settings", use: dataSettings)
        group.patch("data-settings", use: updateDataSettings)
        group.put("custom-fields", use: setCustomField)
    }

    @Sendable func dataSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.settingsResponse(try await settings.settings(try await context.scope(access)))
    }

    /// `{"default_country": "DE" | null, "currency": "EUR", "channel_grouping": {rules: [...]} | null}`; absent keys stay as
    /// they are.
    @Sendable func updateDataSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxBodyBytes)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])) as? [String: Any] else {
            throw PitcrewError.invalid("body", "must be a JSON object")
        }
        var validator = Validator()
        for key in object.keys where !["default_country", "currency", "channel_grouping"].contains(key) { validator.add(key, "is not a field of data settings") }
        var currency: String?
        if let value = object["currency"] {
            if let text = value as? String { currency = text } else { validator.add("currency", "must be an ISO 4217 code as a string") }
        }
        var country: String?? = nil
        if let value = object["default_country"] {
            if value is NSNull { country = .some(nil) } else if let text = value as? String { country = .some(text) } else {
                validator.add("default_country", "must be a string or null")
            }
        }
        var grouping: String?? = nil
        if let value = object["channel_grouping"] {
            if value is NSNull {
                grouping = .some(nil)
            } else if value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
                grouping = .some(String(decoding: data, as: UTF8.self))
            } else {
                validator.add("channel_grouping", "must be an object ({\"rules\": [...]}) or null")
            }
        }
        try validator.finish()
        return try Self.settingsResponse(try await settings.update(scope, defaultCountry: country, currency: currency, channelGroupingJSON: grouping))
    }

    @Sendable func setCustomField(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<CustomFieldDTO> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["entity", "key", "label", "type"])
        let entity = body.requiredString("entity")
        let key = body.requiredString("key")
        let label = body.requiredString("label")
        let type = body.requiredString("type")
        try body.finish()
        let field = try await settings.setCustomField(scope, entity: entity, key: key, label: label, type: type)
        return JSONResponse(CustomFieldDTO(entity: field.entity, key: field.key, label: field.label, type: field.type.rawValue))
    }

    static func settingsResponse(_ settings: DataSettings) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let grouping = String(decoding: try encoder.encode(settings.channelGrouping), as: UTF8.self)
        let fields = settings.customFields.map {
            "{\"entity\":\(JSONText.string($0.entity)),\"key\":\(JSONText.string($0.key)),\"label\":\(JSONText.string($0.label)),\"type\":\"\($0.type.rawValue)\"}"
        }
        let body = "{\"default_country\":\(JSONText.optional(settings.defaultCountry)),\"currency\":\(JSONText.string(settings.currency)),\"channel_grouping\":\(grouping),\"custom_fields\":[\(fields.joined(separator: ","))]}"
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    @Sendable func sources(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<SourceDTO>> {
        let list = try await collection.sources.sources(try await context.scope(access))
        return JSONResponse(ListResponse(items: list.map { SourceDTO($0) }, nextCursor: nil))
    }

    @Sendable func createSource(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<SourceDTO> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["name"])
        let name = body.requiredString("name")
        try body.finish()
        let (source, key) = try await collection.sources.create(scope, name: name)
        return JSONResponse(SourceDTO(source, writeKey: key), status: .created)
    }

    @Sendable func rotateSource(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<SourceDTO> {
        let scope = try await context.scope(access)
        let (source, key) = try await collection.sources.rotate(scope, id: try context.parameters.require("id"))
        return JSONResponse(SourceDTO(source, writeKey: key))
    }

    @Sendable func revokeSource(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<SourceDTO> {
        let scope = try await context.scope(access)
        return JSONResponse(SourceDTO(try await collection.sources.revoke(scope, id: try context.parameters.require("id"))))
    }

    @Sendable func debugger(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<DebuggerDTO>> {
        let scope = try await context.scope(access)
        let source = try await collection.sources.source(scope, id: try context.parameters.require("id"))
        return JSONResponse(ListResponse(items: collection.debugger.entries(source: source.id).map(DebuggerDTO.init), nextCursor: nil))
    }

    @Sendable func listEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let filter = try Self.filter(request.uri.queryParameters)
        let page = try await events.events(scope, filter: filter, page: try request.pageRequest())
        var body = "{\"items\":["
        body += page.items.map(Self.json).joined(separator: ",")
        body += "],\"next_cursor\":\(JSONText.optional(page.nextCursor))}"
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<EventStatsDTO> {
        let scope = try await context.scope(access)
        let (total, byType) = try await events.stats(scope)
        return JSONResponse(EventStatsDTO(total: total, byType: byType, waiting: try await collection.waiting(scope)))
    }

    static func filter(_ query: Parameters) throws(PitcrewError) -> EventFilter {
        var validator = Validator()
        var filter = EventFilter()
        if let type = query["type"] {
            filter.type = MessageType(rawValue: String(type))
            validator.check(filter.type != nil, "type", "must be one of track, identify, page, screen, group, alias")
        }
        filter.name = query["name"].map(String.init)
        if let contact = query["contact_id"] {
            validator.check(Identifier.isValid(String(contact)), "contact_id", "is not an id")
            filter.contactID = String(contact)
        }
        filter.anonymousID = query["anonymous_id"].map(String.init)
        filter.userID = query["user_id"].map(String.init)
        // Both ends are inclusive, as in reports: `to=2025-01-15` takes in that whole day, a date-time that instant.
        for key in ["from", "to"] {
            guard let text = query[Substring(key)] else { continue }
            let instant = Timestamp.parseISO8601(String(text))
            validator.check(instant != nil, key, "must be an ISO 8601 date or date-time")
            if key == "from" { filter.from = instant } else { filter.to = instant.map { $0 + (text.count == 10 ? 86_400_000 : 1) } }
        }
        if let from = filter.from, let to = filter.to { validator.check(from <= to, "to", "is before from") }
        try validator.finish()
        return filter
    }

    /// One event as JSON, with `properties`/`traits` and `context` exactly as they were sent.
    static func json(_ event: StoredEvent) -> String {
        let carriesTraits = event.type == "identify" || event.type == "group"
        return "{\"id\":\(JSONText.string(event.id)),\"message_id\":\(JSONText.string(event.messageID)),\"type\":\(JSONText.string(event.type)),"
            + "\"name\":\(JSONText.optional(event.name)),\"anonymous_id\":\(JSONText.optional(event.anonymousID)),"
            + "\"user_id\":\(JSONText.optional(event.userID)),\"contact_id\":\(JSONText.optional(event.contactID)),"
            + "\"source_id\":\(JSONText.optional(event.sourceID)),\"occurred_at\":\(JSONText.string(Timestamp.iso8601(event.occurredAt))),"
            + "\"received_at\":\(JSONText.string(Timestamp.iso8601(event.receivedAt))),"
            + "\"properties\":\(carriesTraits ? "null" : event.payload ?? "null"),\"traits\":\(carriesTraits ? event.payload ?? "null" : "null"),"
            + "\"context\":\(event.context ?? "null")}"
    }
}

struct CustomFieldDTO: Encodable, Sendable {
    var entity: String
    var key: String
    var label: String
    var type: String
}

struct SourceDTO: Encodable, Sendable {
    var id: String
    var name: String
    var keyPrefix: String
    var createdAt: String
    var rotatedAt: String?
    var revokedAt: String?
    var lastEventAt: String?
    /// Present only in the responses that create or rotate the key.
    var writeKey: String?

    init(_ source: Source, writeKey: String? = nil) {
        id = source.id
        name = source.name
        keyPrefix = source.keyPrefix
        createdAt = Timestamp.iso8601(source.createdAt)
        rotatedAt = source.rotatedAt.map(Timestamp.iso8601)
        revokedAt = source.revokedAt.map(Timestamp.iso8601)
        lastEventAt = source.lastEventAt.map(Timestamp.iso8601)
        self.writeKey = writeKey
    }
}

struct DebuggerDTO: Encodable, Sendable {
    var at: String
    var type: String
    var name: String?
    var messageId: String?
    var userId: String?
    var anonymousId: String?
    var accepted: Bool
    var notes: [String]
    var size: Int

    init(_ entry: DebuggerEntry) {
        at = Timestamp.iso8601(entry.at)
        type = entry.type
        name = entry.name
        messageId = entry.messageID
        userId = entry.userID
        anonymousId = entry.anonymousID
        accepted = entry.accepted
        notes = entry.notes
        size = entry.size
    }
}

struct EventStatsDTO: Encodable, Sendable {
    var total: Int64
    var byType: [String: Int64]
    /// Accepted, not yet stored as events.
    var waiting: Int64

    func encode(to encoder: any Encoder) throws {
        // by_type keys are message types; written without the snake-case key strategy touching them.
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(total, forKey: Key("total"))
        try container.encode(waiting, forKey: Key("waiting"))
        var nested = container.nestedContainer(keyedBy: Key.self, forKey: Key("by_type"))
        for (type, count) in byType.sorted(by: { $0.key < $1.key }) { try nested.encode(count, forKey: Key(type)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
