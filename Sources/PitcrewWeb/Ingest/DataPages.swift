import Foundation
import HTTPTypes
import Hummingbird
import PitcrewCore
import PitcrewIngest
import PitcrewStore

/// The Data Management pages: sources and write keys (`/data/sources`), the live event debugger of a source
/// (`/data/sources/{id}`), stored events (`/data/events`), contacts and accounts with their timelines.
/// Pages carry no JavaScript: the debugger refreshes itself with `<meta http-equiv="refresh">`.
struct DataPages {
    let web: WebController
    let access: AccessService
    let collection: CollectionService
    let events: EventService
    let contacts: ContactService

    static let page = "data"
    static let eventsPerPage = 100
    static let contactsPerPage = 50

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("data") { _, _ in Response.redirect(to: "/data/sources", type: .found) }
        router.get("data/sources", use: sourcesPage)
        router.post("data/sources", use: createSource)
        router.get("data/sources/{id}", use: sourcePage)
        router.post("data/sources/{id}/rotate", use: rotateSource)
        router.post("data/sources/{id}/revoke", use: revokeSource)
        router.get("data/events", use: eventsPage)
        router.get("data/contacts", use: contactsPage)
        router.get("data/contacts/{id}", use: contactPage)
        router.get("data/accounts/{id}", use: accountPage)
        router.post("data/contacts/{id}/merges/{merge}/undo", use: undoMerge)
    }

    // MARK: View models

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct SourceRow {
        var id: String
        var name: String
        var prefix: String
        var created: String
        var lastEvent: String
        var state: String
        var active: Bool
        var canManage: Bool
        var csrf: String
    }

    /// A write key just created or rotated, with the install snippets; shown on that one response only.
    struct NewKeyModel {
        var sourceID: String
        var sourceName: String
        var writeKey: String
        var rotated: Bool
        var snippet: String
        var curl: String
    }

    struct SourcesModel {
        var title = "Sources"
        var shell: ShellModel
        var csrf: String
        var canManage: Bool
        var sources: [SourceRow]
        var newKey: NewKeyModel?
        var error: String?
        var hasEvents: Bool
        var total: String
        var chart: String
        /// How many accepted messages are not yet stored as events, as the start of a sentence (nil when none).
        var waiting: String?
    }

    struct DebuggerRow {
        var time: String
        var type: String
        var name: String
        var messageID: String
        var userID: String
        var anonymousID: String
        var accepted: Bool
        var notes: String
        var size: String
    }

    struct SourceModel {
        var title: String
        var shell: ShellModel
        var sourceID: String
        var sourceName: String
        var prefix: String
        var created: String
        var lastEvent: String
        var state: String
        var live: Bool
        var capacity: Int
        var entries: [DebuggerRow]
    }

    struct EventRow {
        var time: String
        var received: String
        var type: String
        var name: String
        var userID: String
        var anonymousID: String
        var hasContact: Bool
        var contactID: String
        var source: String
        var payload: String
    }

    struct EventsModel {
        var title = "Events"
        var shell: ShellModel
        var typeOptions: [Option]
        var name: String
        var contactID: String
        var filtered: Bool
        var error: String?
        var events: [EventRow]
        var next: String?
    }

    struct ContactRow {
        var id: String
        var email: String
        var name: String
        var jobTitle: String
        var hasAccount: Bool
        var accountID: String
        var accountName: String
        var stage: String
        var created: String
    }

    struct ContactsModel {
        var title = "Contacts"
        var shell: ShellModel
        var search: String
        var searching: Bool
        var error: String?
        var contacts: [ContactRow]
        var next: String?
    }

    struct FieldRow {
        var label: String
        var value: String
    }

    struct IdentityRow {
        var kind: String
        var value: String
    }

    struct TimelineRow {
        var time: String
        var kind: String
        var heading: String
        var detail: String
        var hasContact: Bool
        var contactID: String
        var contactLabel: String
    }

    struct ContactModel {
        var title: String
        var shell: ShellModel
        var contactID: String
        var heading: String
        var fields: [FieldRow]
        var hasAccount: Bool
        var accountID: String
        var accountName: String
        var identities: [IdentityRow]
        var hasTraits: Bool
        var traits: [FieldRow]
        var timeline: [TimelineRow]
        var timelineLimit: Int
        var merges: [MergeRow]
        var hasMerges: Bool
        var notice: String?
    }

    /// A contact merged into the one shown; `canUndo` when it is not undone and the viewer may write.
    struct MergeRow {
        var id: String
        var contactID: String
        var merged: String
        var identities: String
        var reason: String
        var at: String
        var undone: String?
        var canUndo: Bool
        var csrf: String
    }

    struct AccountModel {
        var title: String
        var shell: ShellModel
        var accountID: String
        var heading: String
        var fields: [FieldRow]
        var contacts: [ContactRow]
        var contactLimit: Int
        var hasTraits: Bool
        var traits: [FieldRow]
        var timeline: [TimelineRow]
        var timelineLimit: Int
    }

    // MARK: Sources

    @Sendable func sourcesPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderSources(request, context: context, newKey: nil, error: nil)
    }

    func renderSources(
        _ request: Request, context: AppRequestContext, newKey: (source: Source, key: String, rotated: Bool)?, error: String?
    ) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let canManage = scope.role.allows(.manageMembers)
        let rows = try await collection.sources.sources(scope).map { source in
            SourceRow(
                id: source.id, name: source.name, prefix: source.keyPrefix, created: Self.day(source.createdAt),
                lastEvent: source.lastEventAt.map(Self.time) ?? "never", state: source.revokedAt == nil ? "active" : "revoked",
                active: source.revokedAt == nil, canManage: canManage, csrf: shell.csrf)
        }
        let (total, byType) = try await events.stats(scope)
        let waiting = try await collection.waiting(scope)
        let chart = SVGChart.bars(
            byType.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                (label: $0.key, value: Double($0.value), display: Money.groupThousands(UInt64(max(0, $0.value))))
            }, title: "Stored events by type")
        let base = baseURL(request)
        let key = newKey.map { new in
            NewKeyModel(
                sourceID: new.source.id, sourceName: new.source.name, writeKey: new.key, rotated: new.rotated,
                snippet: Self.installSnippet(base: base, key: new.key), curl: Self.curlExample(base: base, key: new.key))
        }
        let model = SourcesModel(
            shell: shell, csrf: shell.csrf, canManage: canManage, sources: rows, newKey: key, error: error, hasEvents: total > 0,
            total: Money.groupThousands(UInt64(max(0, total))), chart: chart,
            waiting: waiting == 0 ? nil : waiting == 1 ? "1 accepted message is" : "\(Money.groupThousands(UInt64(waiting))) accepted messages are")
        return web.pages.render("sources", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func createSource(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let form = try await FormFields.read(request, context: context)
        do {
            let (source, key) = try await collection.sources.create(scope, name: form["name"] ?? "")
            return try await renderSources(request, context: context, newKey: (source, key, false), error: nil)
        } catch let error as PitcrewError where error.kind == .invalid || error.kind == .conflict {
            return try await renderSources(request, context: context, newKey: nil, error: error.description)
        }
    }

    @Sendable func rotateSource(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        do {
            let (source, key) = try await collection.sources.rotate(scope, id: try context.parameters.require("id"))
            return try await renderSources(request, context: context, newKey: (source, key, true), error: nil)
        } catch let error as PitcrewError where error.kind == .conflict {
            return try await renderSources(request, context: context, newKey: nil, error: error.description)
        }
    }

    @Sendable func revokeSource(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        _ = try await collection.sources.revoke(scope, id: try context.parameters.require("id"))
        return Response.redirect(to: "/data/sources", type: .normal)
    }

    /// The live debugger: the last messages of the source held in memory, refreshed every 3 s (`?paused=1` stops that).
    @Sendable func sourcePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let source = try await collection.sources.source(scope, id: try context.parameters.require("id"))
        let query = FormFields(request.uri.query ?? "")
        let entries = collection.debugger.entries(source: source.id).map { entry in
            DebuggerRow(
                time: Self.time(entry.at), type: entry.type, name: Self.text(entry.name), messageID: Self.text(entry.messageID),
                userID: Self.text(entry.userID), anonymousID: Self.text(entry.anonymousID), accepted: entry.accepted,
                notes: entry.notes.isEmpty ? "—" : entry.notes.joined(separator: "; "), size: entry.size > 0 ? "\(entry.size) B" : "—")
        }
        let model = SourceModel(
            title: source.name, shell: shell, sourceID: source.id, sourceName: source.name, prefix: source.keyPrefix,
            created: Self.day(source.createdAt), lastEvent: source.lastEventAt.map(Self.time) ?? "never",
            state: source.revokedAt == nil ? "active" : "revoked", live: query["paused"] == nil, capacity: EventDebugger.capacity,
            entries: entries)
        return web.pages.render("source", model)
    }

    /// Where this server is reached, from the request's Host (authority); only host-name characters are accepted.
    func baseURL(_ request: Request) -> String {
        let https = web.secureCookies || request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]".utf8)
        var host = request.head.authority ?? ""
        if host.isEmpty || !host.utf8.allSatisfy({ allowed.contains($0) }) { host = "localhost" }
        return (https ? "https://" : "http://") + host
    }

    static func installSnippet(base: String, key: String) -> String {
        """
        <script>window.pitcrew=window.pitcrew||[];["page","track","identify","reset"].forEach(function(m){pitcrew[m]=pitcrew[m]||function(){pitcrew.push([m].concat([].slice.call(arguments)))}});</script>
        <script async src="\(base)/js/pitcrew.js" data-write-key="\(key)"></script>
        """
    }

    static func curlExample(base: String, key: String) -> String {
        "curl -u \(key): -H 'Content-Type: application/json' -d '{\"userId\":\"u1\",\"event\":\"Signed Up\"}' \(base)/v1/track"
    }

    // MARK: Events

    @Sendable func eventsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let query = FormFields(request.uri.query ?? "")
        let typeText = Self.nonEmpty(query["type"])
        let name = Self.nonEmpty(query["name"])
        let contactID = Self.nonEmpty(query["contact_id"])
        var model = EventsModel(
            shell: shell,
            typeOptions: [Option(value: "", label: "All types", selected: typeText == nil)]
                + MessageType.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == typeText) },
            name: name ?? "", contactID: contactID ?? "", filtered: typeText != nil || name != nil || contactID != nil, error: nil, events: [],
            next: nil)
        do {
            var validator = Validator()
            var filter = EventFilter(name: name)
            if let typeText {
                filter.type = MessageType(rawValue: typeText)
                validator.check(filter.type != nil, "type", "must be one of \(MessageType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let contactID {
                validator.check(Identifier.isValid(contactID), "contact_id", "is not a contact id")
                filter.contactID = contactID
            }
            try validator.finish()
            let page = try await events.events(
                scope, filter: filter, page: try PageRequest(limit: Self.eventsPerPage, cursor: Self.nonEmpty(query["cursor"])))
            let sources = try await collection.sources.sources(scope)
            let sourceNames = Dictionary(sources.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            model.events = page.items.map { event in
                EventRow(
                    time: Self.time(event.occurredAt), received: Self.time(event.receivedAt), type: event.type, name: Self.text(event.name),
                    userID: Self.text(event.userID), anonymousID: Self.text(event.anonymousID), hasContact: event.contactID != nil,
                    contactID: event.contactID ?? "", source: event.sourceID.map { sourceNames[$0] ?? "deleted source" } ?? "import",
                    payload: event.payload.map { Self.shorten($0, max: 160) } ?? "")
            }
            model.next = page.nextCursor.map {
                "/data/events?" + Self.query([("type", typeText), ("name", name), ("contact_id", contactID), ("cursor", $0)])
            }
        } catch let problem as PitcrewError where problem.kind == .invalid {
            model.error = problem.description
        }
        return web.pages.render("events", model, status: model.error == nil ? .ok : .badRequest)
    }

    // MARK: Contacts and accounts

    @Sendable func contactsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let query = FormFields(request.uri.query ?? "")
        let search = Self.nonEmpty(query["q"]?.trimmingASCIIWhitespace())
        var model = ContactsModel(shell: shell, search: search ?? "", searching: search != nil, error: nil, contacts: [], next: nil)
        do {
            let page = try await contacts.contacts(scope, search: search, limit: Self.contactsPerPage, after: Self.nonEmpty(query["cursor"]))
            model.contacts = page.items.map(Self.contactRow)
            model.next = page.nextCursor.map { "/data/contacts?" + Self.query([("q", search), ("cursor", $0)]) }
        } catch let problem as PitcrewError where problem.kind == .invalid {
            model.error = problem.description
        }
        return web.pages.render("contacts", model, status: model.error == nil ? .ok : .badRequest)
    }

    /// Undoes a merge from the contact page and shows the page again, saying what happened.
    @Sendable func undoMerge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let contactID = try context.parameters.require("id")
        do {
            let merge = try await collection.undoMerge(scope, id: try context.parameters.require("merge"))
            let name = merge.mergedEmail ?? merge.mergedName ?? merge.mergedContactID
            return try await renderContact(context, id: contactID, notice: "Merge undone: \(name) is a contact of its own again.")
        } catch let error as PitcrewError where error.kind == .conflict || error.kind == .notFound {
            return try await renderContact(context, id: contactID, notice: error.detail)
        }
    }

    @Sendable func contactPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderContact(context, id: try context.parameters.require("id"), notice: nil)
    }

    func renderContact(_ context: AppRequestContext, id: String, notice: String?) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let contact = try await contacts.contact(scope, id: id)
        let fullName = [contact.firstName, contact.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let heading = !fullName.isEmpty ? fullName : contact.email ?? "Contact"
        let fields = [
            FieldRow(label: "Email", value: Self.text(contact.email)),
            FieldRow(label: "First name", value: Self.text(contact.firstName)),
            FieldRow(label: "Last name", value: Self.text(contact.lastName)),
            FieldRow(label: "Title", value: Self.text(contact.title)),
            FieldRow(label: "Phone", value: Self.text(contact.phone)),
            FieldRow(label: "Country", value: Self.text(contact.country)),
            FieldRow(label: "Lifecycle stage", value: Self.text(contact.lifecycleStage)),
            FieldRow(label: "External id", value: Self.text(contact.externalID)),
            FieldRow(label: "Id", value: contact.id),
            FieldRow(label: "Created", value: Self.time(contact.createdAt)),
            FieldRow(label: "Updated", value: Self.time(contact.updatedAt)),
        ]
        let traits = Self.traitRows(contact.traits)
        let model = ContactModel(
            title: heading, shell: shell, contactID: contact.id, heading: heading, fields: fields, hasAccount: contact.accountID != nil,
            accountID: contact.accountID ?? "", accountName: contact.accountName ?? contact.accountID ?? "",
            identities: contact.identities.map { IdentityRow(kind: $0.kind, value: $0.value) }, hasTraits: !traits.isEmpty,
            traits: traits, timeline: contact.timeline.map { Self.timelineRow($0, labels: [:]) },
            timelineLimit: ContactService.timelineLimit,
            merges: contact.merges.map { merge in
                MergeRow(
                    id: merge.id, contactID: contact.id, merged: merge.mergedEmail ?? merge.mergedName ?? merge.mergedContactID,
                    identities: merge.movedIdentities.map { "\($0.kind) \($0.value)" }.joined(separator: ", "), reason: merge.reason,
                    at: Self.time(merge.at), undone: merge.undoneAt.map(Self.time),
                    canUndo: merge.undoneAt == nil && scope.role.allows(.write), csrf: shell.csrf)
            }, hasMerges: !contact.merges.isEmpty, notice: notice)
        return web.pages.render("contact", model)
    }

    @Sendable func accountPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let account = try await contacts.account(scope, id: try context.parameters.require("id"))
        let fields = [
            FieldRow(label: "Name", value: account.name),
            FieldRow(label: "Domain", value: Self.text(account.domain)),
            FieldRow(label: "Industry", value: Self.text(account.industry)),
            FieldRow(label: "Employees", value: account.employees.map { Money.groupThousands(UInt64(max(0, $0))) } ?? "—"),
            FieldRow(label: "Country", value: Self.text(account.country)),
            FieldRow(label: "External id", value: Self.text(account.externalID)),
            FieldRow(label: "Id", value: account.id),
            FieldRow(label: "Created", value: Self.time(account.createdAt)),
            FieldRow(label: "Updated", value: Self.time(account.updatedAt)),
        ]
        var labels: [String: String] = [:]
        for contact in account.contacts { labels[contact.id] = Self.contactLabel(contact) }
        let traits = Self.traitRows(account.traits)
        let model = AccountModel(
            title: account.name, shell: shell, accountID: account.id, heading: account.name, fields: fields,
            contacts: account.contacts.map(Self.contactRow), contactLimit: ContactService.contactLimit,
            hasTraits: !traits.isEmpty, traits: traits,
            timeline: account.timeline.map { Self.timelineRow($0, labels: labels) }, timelineLimit: ContactService.timelineLimit)
        return web.pages.render("account", model)
    }

    static func contactRow(_ contact: ContactSummary) -> ContactRow {
        let name = [contact.firstName, contact.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return ContactRow(
            id: contact.id, email: text(contact.email), name: name.isEmpty ? "—" : name, jobTitle: text(contact.title),
            hasAccount: contact.accountID != nil, accountID: contact.accountID ?? "", accountName: contact.accountName ?? contact.accountID ?? "",
            stage: text(contact.lifecycleStage), created: day(contact.createdAt))
    }

    static func contactLabel(_ contact: ContactSummary) -> String {
        if let email = nonEmpty(contact.email) { return email }
        let name = [contact.firstName, contact.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? String(contact.id.prefix(8)) + "…" : name
    }

    static func timelineRow(_ item: TimelineItem, labels: [String: String]) -> TimelineRow {
        TimelineRow(
            time: time(item.at), kind: item.kind, heading: item.title, detail: item.detail.isEmpty ? "—" : item.detail,
            hasContact: item.contactID != nil, contactID: item.contactID ?? "",
            contactLabel: item.contactID.map { labels[$0] ?? String($0.prefix(8)) + "…" } ?? "")
    }

    // MARK: Formatting

    /// `2026-11-23 09:15:00` (UTC).
    static func time(_ millis: Int64) -> String {
        let iso = Timestamp.iso8601(millis)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }

    static func day(_ millis: Int64) -> String { String(Timestamp.iso8601(millis).prefix(10)) }

    /// The text, or a dash for nil and empty values (templates must never see nil inside a row: Mustache would then
    /// look the name up in the enclosing objects).
    static func text(_ value: String?) -> String { nonEmpty(value) ?? "—" }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// A record's custom traits as rows (name, value): text as written, other JSON values compact. Traits that are not a
    /// JSON object are shown whole.
    static func traitRows(_ json: String?) -> [FieldRow] {
        guard let json, !json.isEmpty else { return [] }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return [FieldRow(label: "traits", value: shorten(json, max: 4_000))]
        }
        return object.keys.sorted().prefix(200).map { key in
            let value: String
            switch object[key] {
            case let text as String: value = text
            case let other?:
                value = (try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(other)"
            case nil: value = ""
            }
            return FieldRow(label: key, value: shorten(value, max: 1_000))
        }
    }

    static func shorten(_ text: String, max: Int) -> String {
        text.count <= max ? text : String(text.prefix(max)) + "…"
    }

    /// `a=1&b=two%20words` from the pairs with a value (the template escapes `&` when it writes the link).
    static func query(_ pairs: [(String, String?)]) -> String {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return pairs.compactMap { key, value -> String? in
            guard let value, !value.isEmpty, let encoded = value.addingPercentEncoding(withAllowedCharacters: unreserved) else { return nil }
            return key + "=" + encoded
        }.joined(separator: "&")
    }
}
