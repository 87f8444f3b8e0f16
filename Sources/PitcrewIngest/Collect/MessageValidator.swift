import Foundation
import PitcrewCore

/// Checks one message against the Segment spec and builds the `SegmentMessage`.
struct MessageValidator {
    let scanner: JSONScanner
    let index: Int?
    let receivedAt: Int64

    func field(_ name: String) -> String { index.map { "batch[\($0)].\(name)" } ?? name }

    /// A refused message, with what the debugger can show of it (its type, the endpoint's when it says none; its ids).
    func problem(_ name: String, _ message: String, _ fields: SegmentPayload.Fields, impliedType: MessageType?) -> MessageProblem {
        func string(_ value: JSONScanner.Value?) -> String? {
            switch value {
            case .string(let text)?: text
            case .number(let text)?: text
            default: nil
            }
        }
        var problem = MessageProblem(
            index: index, field: field(name), message: message, messageID: string(fields.messageID),
            type: string(fields.type) ?? impliedType?.rawValue)
        problem.userID = string(fields.userID)
        problem.anonymousID = string(fields.anonymousID)
        return problem
    }

    func validate(_ fields: SegmentPayload.Fields, impliedType: MessageType?, batchSentAt: Int64?) -> Result<SegmentMessage, MessageProblem> {
        do {
            return .success(try build(fields, impliedType: impliedType, batchSentAt: batchSentAt))
        } catch let failure as Failure {
            return .failure(problem(failure.field, failure.message, fields, impliedType: impliedType))
        } catch {
            return .failure(problem("body", "could not be read", fields, impliedType: impliedType))
        }
    }

    struct Failure: Error {
        let field: String
        let message: String
    }

    /// An identifier: a string, or a number taken as its text (Segment accepts both).
    func identifier(_ value: JSONScanner.Value?, _ name: String, maximum: Int = 512) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            let trimmed = text.trimmingASCIIWhitespace()
            if trimmed.isEmpty { return nil }
            guard trimmed.utf8.count <= maximum else { throw Failure(field: name, message: "is longer than \(maximum) bytes") }
            return trimmed
        case .number(let text)?: return text
        case let other?: throw Failure(field: name, message: "must be a string, not \(other.typeName)")
        }
    }

    func text(_ value: JSONScanner.Value?, _ name: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw Failure(field: name, message: "must be a string, not \(other.typeName)")
        }
    }

    func instant(_ value: JSONScanner.Value?, _ name: String) throws -> Int64? {
        guard let text = try text(value, name) else { return nil }
        guard let instant = Timestamp.parseISO8601(text) else { throw Failure(field: name, message: "is not an ISO 8601 date-time: \(text)") }
        return instant
    }

    func object(_ value: JSONScanner.Value?, _ name: String) throws -> Range<Int>? {
        switch value {
        case nil, .null?: return nil
        case .object(let range)?: return range
        case let other?: throw Failure(field: name, message: "must be an object, not \(other.typeName)")
        }
    }

    func build(_ fields: SegmentPayload.Fields, impliedType: MessageType?, batchSentAt: Int64?) throws -> SegmentMessage {
        let type: MessageType
        if let impliedType {
            type = impliedType
        } else {
            guard let name = try text(fields.type, "type") else {
                throw Failure(field: "type", message: "is required: one of track, identify, page, screen, group, alias")
            }
            guard let known = MessageType(rawValue: name.lowercased()) else {
                throw Failure(field: "type", message: "\"\(name)\" is not one of track, identify, page, screen, group, alias")
            }
            type = known
        }
        let userID = try identifier(fields.userID, "userId")
        let anonymousID = try identifier(fields.anonymousID, "anonymousId")
        let previousID = try identifier(fields.previousID, "previousId")
        let groupID = try identifier(fields.groupID, "groupId")
        switch type {
        case .alias:
            guard userID != nil else { throw Failure(field: "userId", message: "is required for alias") }
            guard previousID != nil else { throw Failure(field: "previousId", message: "is required for alias") }
        default:
            guard userID != nil || anonymousID != nil else {
                throw Failure(field: "userId", message: "userId or anonymousId is required")
            }
        }
        var name: String?
        switch type {
        case .track:
            guard let event = try text(fields.event, "event")?.trimmingASCIIWhitespace(), !event.isEmpty else {
                throw Failure(field: "event", message: "is required for track")
            }
            guard event.utf8.count <= 512 else { throw Failure(field: "event", message: "is longer than 512 bytes") }
            name = event
        case .page, .screen:
            name = try text(fields.name, "name")
        case .group:
            guard groupID != nil else { throw Failure(field: "groupId", message: "is required for group") }
        default:
            break
        }
        let givenID = try identifier(fields.messageID, "messageId", maximum: 256)
        let messageID = givenID ?? "api-" + Identifier.make()
        // Clock skew, as Segment: the sender's clock is off by (sentAt − its own timestamp's clock); received time is ours.
        let given = try instant(fields.timestamp, "timestamp") ?? instant(fields.originalTimestamp, "originalTimestamp")
        let sentAt = try instant(fields.sentAt, "sentAt") ?? batchSentAt
        var occurredAt = receivedAt
        if let given {
            occurredAt = sentAt.map { receivedAt - ($0 - given) } ?? given
        }
        guard occurredAt >= SegmentPayload.earliest else {
            throw Failure(field: "timestamp", message: "is before 2000-01-01 (\(Timestamp.iso8601(occurredAt)))")
        }
        guard occurredAt <= receivedAt + SegmentPayload.futureAllowance else {
            throw Failure(field: "timestamp", message: "is more than a day in the future (\(Timestamp.iso8601(occurredAt)))")
        }
        let propertiesRange = try object(fields.properties, "properties")
        let traitsRange = try object(fields.traits, "traits")
        let contextRange = try object(fields.context, "context")
        var properties = propertiesRange.map(scanner.text)
        let isPage = type == .page || type == .screen
        // A page call's own properties (its url, referrer, path and search when the context has none), read once.
        let pageProperties = isPage ? try propertiesRange.map { try scanner.shallowObject($0) } : nil
        // A page's category (`analytics.page("Docs", "Pricing")`) has no column: it is kept in the properties, unless they
        // say one themselves. (Not a string: ignored, as before.)
        if isPage, case .string(let text)? = fields.category, !text.trimmingASCIIWhitespace().isEmpty {
            let members = pageProperties ?? [:]
            if members["category"] == nil {
                let category = #"{"category": "# + JSONText.string(text.trimmingASCIIWhitespace())
                if members.isEmpty {
                    properties = category + "}"
                } else if let properties0 = properties, let brace = properties0.utf8.firstIndex(of: UInt8(ascii: "{")) {
                    // After the opening brace of an object with members: they follow, after a comma.
                    properties = category + ", " + String(properties0[properties0.utf8.index(after: brace)...])
                }
            }
        }
        var message = SegmentMessage(
            type: type, messageID: messageID, userID: userID, anonymousID: anonymousID, name: name, groupID: groupID, previousID: previousID,
            occurredAt: occurredAt, sentAt: sentAt, properties: properties, traits: traitsRange.map(scanner.text),
            context: try storedContext(contextRange, batch: fields.batchContext), size: 0)
        message.generatedID = givenID == nil
        if let traitsRange { try readTraits(traitsRange, prefix: "traits", into: &message) }
        let ownEmail = message.traitScalars["email"] != nil
        if let contextRange { try readContext(contextRange, into: &message) }
        if let batchContext = fields.batchContext { try readContext(batchContext, into: &message, skipping: contextRange) }
        if let pageProperties {
            if case .string(let url)? = pageProperties["url"] { message.pageURL = message.pageURL ?? url }
            if case .string(let referrer)? = pageProperties["referrer"] { message.referrer = message.referrer ?? referrer }
        }
        if isPage, message.pageURL?.isEmpty ?? true, let location = message.pageLocation ?? pageProperties.flatMap(Self.location) {
            message.pageURL = location
        }
        // An empty email says nothing. A bad one in the message's own traits is refused (the sender can fix it); one in
        // `context.traits`, which SDKs attach from storage to every call, is left out so the event itself is kept.
        if ownEmail, message.traitLiterals.contains("email") {
            throw Failure(field: "traits.email", message: "must be a string, not a number or boolean")
        }
        if let email = message.traitScalars["email"] {
            switch EmailAddress.normalize(email) {
            case .success(let normalized): message.traitScalars["email"] = normalized
            case .failure where email.trimmingASCIIWhitespace().isEmpty || !ownEmail: message.traitScalars["email"] = nil
            case .failure(let problem): throw Failure(field: "traits.email", message: problem.reason)
            }
        }
        return message
    }

    func readTraits(_ range: Range<Int>, prefix: String, into message: inout SegmentMessage) throws {
        for (key, value) in try scanner.shallowObject(range) {
            switch value {
            case .string(let text): message.traitScalars[key] = text
            case .number(let text):
                message.traitScalars[key] = text
                message.traitLiterals.insert(key)
            case .bool(let flag):
                message.traitScalars[key] = flag ? "true" : "false"
                message.traitLiterals.insert(key)
            case .null: break
            case .object(let inner), .array(let inner): message.traitObjects[key] = scanner.text(inner)
            }
        }
    }

    /// The context stored with the message: its own, the batch's, or the batch's with the message's keys over it.
    func storedContext(_ own: Range<Int>?, batch: Range<Int>?) throws -> String? {
        guard let batch else { return own.map(scanner.text) }
        guard let own else { return scanner.text(batch) }
        guard var merged = TraitMapping.jsonObject(scanner.text(batch)), let ownObject = TraitMapping.jsonObject(scanner.text(own)) else {
            return scanner.text(own)
        }
        merged.merge(ownObject) { _, mine in mine }
        return String(decoding: try JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Reads what collection uses of a context. `skipping`: the message's own context, read before; keys it has are
    /// not read from this one (the batch's).
    func readContext(_ range: Range<Int>, into message: inout SegmentMessage, skipping own: Range<Int>? = nil) throws {
        var context = try scanner.shallowObject(range)
        if let own { for key in try scanner.shallowObject(own).keys { context.removeValue(forKey: key) } }
        if case .object(let inner)? = context["campaign"] {
            for (key, value) in try scanner.shallowObject(inner) {
                if case .string(let text) = value, !text.isEmpty { message.campaign[key] = text }
            }
        }
        if case .object(let inner)? = context["page"] {
            let page = try scanner.shallowObject(inner)
            if case .string(let url)? = page["url"] { message.pageURL = url }
            if case .string(let referrer)? = page["referrer"] { message.referrer = referrer }
            message.pageLocation = Self.location(page)
        }
        if case .object(let inner)? = context["traits"] {
            // context.traits only adds what the message's own traits did not say.
            var extra = SegmentMessage(type: message.type, messageID: "", occurredAt: 0, size: 0)
            try readTraits(inner, prefix: "context.traits", into: &extra)
            message.traitLiterals.formUnion(extra.traitLiterals.filter { message.traitScalars[$0] == nil })
            message.traitScalars.merge(extra.traitScalars) { own, _ in own }
            message.traitObjects.merge(extra.traitObjects) { own, _ in own }
        }
        if case .string(let ip)? = context["ip"] { message.ip = ip }
        if case .string(let agent)? = context["userAgent"] { message.userAgent = agent }
    }
}

extension MessageValidator {
    /// `path` and `search` of a page object as one relative location (`/pricing?utm_source=x`), nil when it has neither.
    static func location(_ page: [String: JSONScanner.Value]) -> String? {
        var path = ""
        var search = ""
        if case .string(let text)? = page["path"] { path = TextFolding.trim(text) }
        if case .string(let text)? = page["search"] { search = TextFolding.trim(text) }
        guard !(path.isEmpty && search.isEmpty) else { return nil }
        if !search.isEmpty, !search.hasPrefix("?") { search = "?" + search }
        return (path.isEmpty ? "/" : path) + search
    }
}

extension SegmentMessage {
    init(type: MessageType, messageID: String, occurredAt: Int64, size: Int) {
        self.init(
            type: type, messageID: messageID, userID: nil, anonymousID: nil, name: nil, groupID: nil, previousID: nil, occurredAt: occurredAt,
            sentAt: nil, properties: nil, traits: nil, context: nil, size: size)
    }
}
