import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewStore

/// Every list endpoint answers `{"items": [...], "next_cursor": "…" | null}`.
struct ListResponse<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // explicit null on the last page
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }
}

/// Encodes a value as a JSON response with the API's encoder.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    var value: Value

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// Reads `limit` and `cursor` from the query string.
    func pageRequest() throws(PitcrewError) -> PageRequest {
        let query = uri.queryParameters
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(String(text)) else { throw PitcrewError.invalid("limit", "must be an integer") }
            limit = value
        }
        return try PageRequest(limit: limit, cursor: query["cursor"].map(String.init))
    }
}

struct WorkspaceDTO: Encodable, Sendable {
    var id: String
    var slug: String
    var name: String
    var role: String
    var createdAt: String

    init(_ workspace: Workspace, role: Role) {
        id = workspace.id
        slug = workspace.slug
        name = workspace.name
        self.role = role.rawValue
        createdAt = Timestamp.iso8601(workspace.createdAt)
    }
}

struct MemberDTO: Encodable, Sendable {
    var userId: String
    var email: String
    var name: String
    var role: String
    var joinedAt: String

    init(_ member: Member) {
        userId = member.user.id
        email = member.user.email
        name = member.user.name
        role = member.role.rawValue
        joinedAt = Timestamp.iso8601(member.joinedAt)
    }
}

struct TokenDTO: Encodable, Sendable {
    var id: String
    var name: String
    var role: String
    var prefix: String
    var createdAt: String
    var lastUsedAt: String?
    var revokedAt: String?
    /// Present only in the response that creates the token.
    var token: String?

    init(_ token: APIToken, secret: String? = nil) {
        id = token.id
        name = token.name
        role = token.role.rawValue
        prefix = token.prefix
        createdAt = Timestamp.iso8601(token.createdAt)
        lastUsedAt = token.lastUsedAt.map(Timestamp.iso8601)
        revokedAt = token.revokedAt.map(Timestamp.iso8601)
        self.token = secret
    }
}

struct AuditDTO: Encodable, Sendable {
    var id: String
    var actorKind: String
    var actorId: String
    var action: String
    var entity: String
    var entityId: String
    var before: String?
    var after: String?
    var at: String

    init(_ entry: AuditEntry) {
        id = entry.id
        actorKind = entry.actorKind
        actorId = entry.actorID
        action = entry.action
        entity = entry.entity
        entityId = entry.entityID
        before = entry.before
        after = entry.after
        at = Timestamp.iso8601(entry.at)
    }
}

struct MoneyDTO: Encodable, Sendable {
    var amountMinor: Int64
    var currency: String
}

struct CampaignDTO: Encodable, Sendable {
    var id: String
    var name: String
    var channelId: String?
    var utmCampaign: String?
    var status: String
    var startDate: String?
    var endDate: String?
    var budget: MoneyDTO?
    var ownerUserId: String?
    var createdAt: String
    var updatedAt: String

    init(_ campaign: Campaign) {
        id = campaign.id
        name = campaign.name
        channelId = campaign.channelID
        utmCampaign = campaign.utmCampaign
        status = campaign.status.rawValue
        startDate = campaign.startDate?.description
        endDate = campaign.endDate?.description
        budget = campaign.budget.map { MoneyDTO(amountMinor: $0.minorUnits, currency: $0.currency) }
        ownerUserId = campaign.ownerUserID
        createdAt = Timestamp.iso8601(campaign.createdAt)
        updatedAt = Timestamp.iso8601(campaign.updatedAt)
    }
}

struct ChannelDTO: Encodable, Sendable {
    var id: String
    var name: String
    var kind: String
    var createdAt: String

    init(_ channel: PitcrewCore.Channel) {
        id = channel.id
        name = channel.name
        kind = channel.kind.rawValue
        createdAt = Timestamp.iso8601(channel.createdAt)
    }
}

struct SummaryDTO: Encodable, Sendable {
    struct Day: Encodable, Sendable {
        var day: String
        var events: Int
    }

    struct ChannelSpend: Encodable, Sendable {
        var channel: String
        var spend: MoneyDTO
    }

    var contacts: Int
    var accounts: Int
    var eventsLast30Days: Int
    var spendThisQuarter: [MoneyDTO]
    var tools: Int
    var campaigns: Int
    var eventsPerDay: [Day]
    var spendByChannel: [ChannelSpend]

    init(_ summary: WorkspaceSummary) {
        contacts = summary.contacts
        accounts = summary.accounts
        eventsLast30Days = summary.eventsLast30Days
        spendThisQuarter = summary.spendThisQuarter.map { MoneyDTO(amountMinor: $0.minorUnits, currency: $0.currency) }
        tools = summary.tools
        campaigns = summary.campaigns
        eventsPerDay = summary.eventsPerDay.map { Day(day: $0.day.description, events: $0.count) }
        spendByChannel = summary.spendByChannel.map {
            ChannelSpend(channel: $0.channel, spend: MoneyDTO(amountMinor: $0.amount.minorUnits, currency: $0.amount.currency))
        }
    }
}
