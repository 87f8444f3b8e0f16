import Foundation
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewIngest
import PitcrewStore

/// `/api/v1/contacts` and `/api/v1/accounts` (read: lists newest first with search, one record with its identities,
/// merges and timeline) and `/api/v1/identity-merges/{id}/undo`.
struct ContactController {
    let access: AccessService
    let contacts: ContactService
    let collection: CollectionService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("contacts", use: listContacts)
        group.get("contacts/{id}", use: contact)
        group.get("accounts", use: listAccounts)
        group.get("accounts/{id}", use: account)
        group.post("identity-merges/{id}/undo", use: undoMerge)
    }

    @Sendable func listContacts(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<ContactSummaryDTO>> {
        let scope = try await context.scope(access)
        let page = try request.pageRequest()
        let found = try await contacts.contacts(scope, search: request.uri.queryParameters["q"].map(String.init), limit: page.limit, after: page.after)
        return JSONResponse(ListResponse(items: found.items.map(ContactSummaryDTO.init), nextCursor: found.nextCursor.map(PageRequest.encodeCursor)))
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let contact = try await contacts.contact(scope, id: try context.parameters.require("id"))
        return try Self.withTraits(ContactDTO(contact), traits: contact.traits)
    }

    @Sendable func listAccounts(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<AccountSummaryDTO>> {
        let scope = try await context.scope(access)
        let page = try request.pageRequest()
        let found = try await contacts.accounts(scope, search: request.uri.queryParameters["q"].map(String.init), limit: page.limit, after: page.after)
        return JSONResponse(ListResponse(items: found.items.map(AccountSummaryDTO.init), nextCursor: found.nextCursor.map(PageRequest.encodeCursor)))
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let account = try await contacts.account(scope, id: try context.parameters.require("id"))
        return try Self.withTraits(AccountDTO(account), traits: account.traits)
    }

    /// The record as JSON with `traits` as stored (the API encoder would rewrite the traits' keys into snake case).
    static func withTraits(_ value: some Encodable, traits: String?) throws -> Response {
        var body = Array(try APIJSON.encoder.encode(value))
        let stored = traits.flatMap { $0.isEmpty ? nil : $0 } ?? "null"
        body.insert(contentsOf: Array("\"traits\":\(stored),".utf8), at: 1)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func undoMerge(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<IdentityMergeDTO> {
        let scope = try await context.scope(access)
        return JSONResponse(IdentityMergeDTO(try await collection.undoMerge(scope, id: try context.parameters.require("id"))))
    }
}

struct ContactSummaryDTO: Encodable, Sendable {
    var id: String
    var email, firstName, lastName, title, accountId, accountName, lifecycleStage: String?
    var createdAt: String

    init(_ contact: ContactSummary) {
        id = contact.id
        email = contact.email
        firstName = contact.firstName
        lastName = contact.lastName
        title = contact.title
        accountId = contact.accountID
        accountName = contact.accountName
        lifecycleStage = contact.lifecycleStage
        createdAt = Timestamp.iso8601(contact.createdAt)
    }
}

struct TimelineItemDTO: Encodable, Sendable {
    var kind: String
    var at: String
    var title: String
    var detail: String
    var contactId: String?

    init(_ item: TimelineItem) {
        kind = item.kind
        at = Timestamp.iso8601(item.at)
        title = item.title
        detail = item.detail
        contactId = item.contactID
    }
}

struct IdentityDTO: Encodable, Sendable {
    var kind: String
    var value: String
}

struct IdentityMergeDTO: Encodable, Sendable {
    var id: String
    var keptContactId: String
    var mergedContactId: String
    var mergedEmail: String?
    var mergedName: String?
    var movedIdentities: [IdentityDTO]
    var reason: String
    var messageId: String?
    var at: String
    var undoneAt: String?

    init(_ merge: IdentityMerge) {
        id = merge.id
        keptContactId = merge.keptContactID
        mergedContactId = merge.mergedContactID
        mergedEmail = merge.mergedEmail
        mergedName = merge.mergedName
        movedIdentities = merge.movedIdentities.map { IdentityDTO(kind: $0.kind, value: $0.value) }
        reason = merge.reason
        messageId = merge.messageID
        at = Timestamp.iso8601(merge.at)
        undoneAt = merge.undoneAt.map(Timestamp.iso8601)
    }
}

struct ContactDTO: Encodable, Sendable {
    var id: String
    var email, firstName, lastName, title, phone, country, accountId, accountName, lifecycleStage, externalId: String?
    var createdAt: String
    var updatedAt: String
    var identities: [IdentityDTO]
    var merges: [IdentityMergeDTO]
    var timeline: [TimelineItemDTO]

    init(_ contact: ContactDetail) {
        id = contact.id
        email = contact.email
        firstName = contact.firstName
        lastName = contact.lastName
        title = contact.title
        phone = contact.phone
        country = contact.country
        accountId = contact.accountID
        accountName = contact.accountName
        lifecycleStage = contact.lifecycleStage
        externalId = contact.externalID
        createdAt = Timestamp.iso8601(contact.createdAt)
        updatedAt = Timestamp.iso8601(contact.updatedAt)
        identities = contact.identities.map { IdentityDTO(kind: $0.kind, value: $0.value) }
        merges = contact.merges.map(IdentityMergeDTO.init)
        timeline = contact.timeline.map(TimelineItemDTO.init)
    }
}

struct AccountSummaryDTO: Encodable, Sendable {
    var id: String
    var name: String
    var domain, industry, country: String?
    var employees: Int64?
    var contacts: Int64
    var createdAt: String

    init(_ account: AccountSummary) {
        id = account.id
        name = account.name
        domain = account.domain
        industry = account.industry
        country = account.country
        employees = account.employees
        contacts = account.contacts
        createdAt = Timestamp.iso8601(account.createdAt)
    }
}

struct AccountDTO: Encodable, Sendable {
    var id: String
    var name: String
    var domain, industry, country, externalId: String?
    var employees: Int64?
    var createdAt: String
    var updatedAt: String
    var contacts: [ContactSummaryDTO]
    var timeline: [TimelineItemDTO]

    init(_ account: AccountDetail) {
        id = account.id
        name = account.name
        domain = account.domain
        industry = account.industry
        country = account.country
        externalId = account.externalID
        employees = account.employees
        createdAt = Timestamp.iso8601(account.createdAt)
        updatedAt = Timestamp.iso8601(account.updatedAt)
        contacts = account.contacts.map(ContactSummaryDTO.init)
        timeline = account.timeline.map(TimelineItemDTO.init)
    }
}
