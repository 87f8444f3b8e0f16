import Foundation
public import PitcrewCore
public import PitcrewStore

/// One recorded identity merge: `mergedContactID` was folded into `keptContactID` (see `IdentityResolver.merge`).
public struct IdentityMerge: Sendable, Equatable {
    public var id: String
    public var keptContactID: String
    public var mergedContactID: String
    /// The merged contact as it was (email, names, … as stored), for showing what an undo brings back.
    public var mergedEmail: String?
    public var mergedName: String?
    /// Identities the merge moved to the kept contact (`kind`, `value`).
    public var movedIdentities: [ContactIdentity]
    /// `identify` or `alias`: the call that showed the two were one person.
    public var reason: String
    public var messageID: String?
    public var at: Int64
    public var undoneAt: Int64?
}

/// Reading and undoing identity merges.
///
/// An undo puts the merged contact back as it was and returns to it what the merge moved: the identities it had, the
/// events those identities sent (an event goes back when its user id was the merged contact's, or when it has no user
/// id and its anonymous id was), the touchpoints of those events, and the opportunities and offline touchpoints the
/// merge recorded by id. Fields of the kept contact that the merge filled are emptied again if they still hold the
/// merged contact's value. A merge can be undone once, and only while the kept contact still exists (when it was
/// merged on, that later merge is undone first).
enum MergeHistory {
    static let columns = "id, kept_contact_id, merged_contact_id, merged_contact, moved_identities, reason, message_id, at, undone_at"

    static func merge(_ row: [SQLValue]) -> IdentityMerge {
        let snapshot = jsonObject(row[3].text) as? [String: Any] ?? [:]
        let name = [snapshot["first_name"] as? String, snapshot["last_name"] as? String].compactMap { $0 }.filter { !$0.isEmpty }
        let moved = (jsonObject(row[4].text) as? [[String: String]] ?? []).map { ContactIdentity(kind: $0["kind"] ?? "", value: $0["value"] ?? "") }
        return IdentityMerge(
            id: row[0].text ?? "", keptContactID: row[1].text ?? "", mergedContactID: row[2].text ?? "", mergedEmail: snapshot["email"] as? String,
            mergedName: name.isEmpty ? nil : name.joined(separator: " "), movedIdentities: moved, reason: row[5].text ?? "",
            messageID: row[6].text, at: row[7].integer ?? 0, undoneAt: row[8].integer)
    }

    static func jsonObject(_ text: String?) -> Any? {
        text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
    }

    /// Merges into `contactID`, newest first.
    static func merges(_ raw: RawSQL, workspaceID: String, into contactID: String) async throws -> [IdentityMerge] {
        try await raw.rows(
            "SELECT \(columns) FROM identity_merges WHERE workspace_id = ? AND kept_contact_id = ? ORDER BY at DESC, id DESC LIMIT 200",
            [.text(workspaceID), .text(contactID)]
        ).map(merge)
    }

    /// The contact that `id` is, or was merged into (through later merges); `id` itself when it was never merged away.
    static func survivor(_ raw: RawSQL, workspaceID: String, of id: String) async throws -> String {
        var current = id
        for _ in 0..<20 {
            guard try await raw.rows("SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?", [.text(workspaceID), .text(current)]).isEmpty,
                let kept = try await raw.rows(
                    """
                    SELECT kept_contact_id FROM identity_merges WHERE workspace_id = ? AND merged_contact_id = ? AND undone_at IS NULL
                    ORDER BY at DESC LIMIT 1
                    """, [.text(workspaceID), .text(current)]
                ).first?[0].text
            else { return current }
            current = kept
        }
        return current
    }

    /// Undoes merge `id` of the workspace in the caller's write transaction; returns the merge as it now stands.
    static func undo(_ raw: RawSQL, workspaceID: String, id: String, now: Int64) async throws -> IdentityMerge {
        let ws = SQLValue.text(workspaceID)
        guard Identifier.isValid(id),
            let row = try await raw.rows(
                "SELECT \(columns), filled_fields, moved_rows FROM identity_merges WHERE workspace_id = ? AND id = ?", [ws, .text(id)]).first
        else { throw PitcrewError.notFound("Merge") }
        var merge = merge(row)
        guard merge.undoneAt == nil else { throw PitcrewError.conflict("id", "This merge was already undone.") }
        let kept = SQLValue.text(merge.keptContactID)
        let mergedID = SQLValue.text(merge.mergedContactID)
        guard try await !raw.rows("SELECT id FROM contacts WHERE workspace_id = ? AND id = ?", [ws, kept]).isEmpty else {
            let later = try await raw.rows(
                "SELECT id FROM identity_merges WHERE workspace_id = ? AND merged_contact_id = ? AND undone_at IS NULL ORDER BY at DESC LIMIT 1",
                [ws, kept]
            ).first?[0].text
            throw PitcrewError.conflict(
                "id", later.map { "The contact this merge kept was merged again since; undo merge \($0) first." }
                    ?? "The contact this merge kept no longer exists.")
        }
        guard try await raw.rows("SELECT id FROM contacts WHERE id = ?", [mergedID]).isEmpty else {
            throw PitcrewError.conflict("id", "The merged contact exists again; this merge cannot be undone.")
        }
        // The merged contact as it was (its account only if that still exists).
        let snapshot = jsonObject(row[3].text) as? [String: Any] ?? [:]
        var values: [SQLValue] = []
        for column in IdentityResolver.contactColumns {
            switch snapshot[column] {
            case let text as String: values.append(.text(text))
            case let number as NSNumber: values.append(.integer(number.int64Value))
            default: values.append(.null)
            }
        }
        if let account = snapshot["account_id"] as? String,
            try await raw.rows("SELECT id FROM accounts WHERE workspace_id = ? AND id = ?", [ws, .text(account)]).isEmpty
        {
            values[IdentityResolver.contactColumns.firstIndex(of: "account_id")!] = .null
        }
        try await raw.insert("contacts", columns: IdentityResolver.contactColumns + ["workspace_id"], values: values + [ws])
        // The kept contact's fields the merge filled go back to empty, unless they were changed since.
        let filledFields = jsonObject(row[9].text) as? [String] ?? []
        let filled = filledFields.filter(IdentityResolver.fillableColumns.contains)
        if !filled.isEmpty {
            let assignments = filled.map { "\($0) = CASE WHEN \($0) = ? THEN NULL ELSE \($0) END" }.joined(separator: ", ")
            let binds = filled.map { column in values[IdentityResolver.contactColumns.firstIndex(of: column)!] }
            try await raw.run("UPDATE contacts SET \(assignments), updated_at = ? WHERE workspace_id = ? AND id = ?", binds + [.integer(now), ws, kept])
        }
        // And the custom traits it filled, likewise.
        let filledTraits = filledFields.filter { $0.hasPrefix("traits.") }.map { String($0.dropFirst("traits.".count)) }
        let mergedTraits = (snapshot["traits"] as? String).flatMap(TraitMapping.jsonObject) ?? [:]
        if !filledTraits.isEmpty,
            let keptTraitsText = try await raw.rows("SELECT traits FROM contacts WHERE workspace_id = ? AND id = ?", [ws, kept]).first?[0].text,
            var keptTraits = TraitMapping.jsonObject(keptTraitsText)
        {
            let before = keptTraits.count
            for key in filledTraits {
                if let value = keptTraits[key], let original = mergedTraits[key], NSDictionary(dictionary: [key: value]).isEqual(to: [key: original]) {
                    keptTraits.removeValue(forKey: key)
                }
            }
            if keptTraits.count < before {
                try await raw.run(
                    "UPDATE contacts SET traits = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                    [.optional(TraitMapping.merged(nil, with: keptTraits)), .integer(now), ws, kept])
            }
        }
        // Its identities, and the events they sent.
        for identity in merge.movedIdentities {
            try await raw.run(
                "UPDATE identities SET contact_id = ? WHERE workspace_id = ? AND kind = ? AND value = ? AND contact_id = ?",
                [mergedID, ws, .text(identity.kind), .text(identity.value), kept])
        }
        let userIDs = merge.movedIdentities.filter { $0.kind == IdentityKind.userID.rawValue }.map(\.value)
        let anonymousIDs = merge.movedIdentities.filter { $0.kind == IdentityKind.anonymousID.rawValue }.map(\.value)
        if !userIDs.isEmpty {
            _ = try await raw.rows(in: userIDs, leading: [mergedID, ws, kept]) {
                "UPDATE events SET contact_id = ? WHERE workspace_id = ? AND contact_id = ? AND user_id IN (\($0))"
            }
        }
        if !anonymousIDs.isEmpty {
            _ = try await raw.rows(in: anonymousIDs, leading: [mergedID, ws, kept]) {
                "UPDATE events SET contact_id = ? WHERE workspace_id = ? AND contact_id = ? AND user_id IS NULL AND anonymous_id IN (\($0))"
            }
        }
        try await raw.run(
            """
            UPDATE touchpoints SET contact_id = ? WHERE workspace_id = ? AND contact_id = ?
            AND event_id IN (SELECT id FROM events WHERE workspace_id = ? AND contact_id = ?)
            """, [mergedID, ws, kept, ws, mergedID])
        let untraced = jsonObject(row[10].text) as? [String: [String]] ?? [:]
        for table in ["opportunities", "touchpoints"] {
            guard let ids = untraced[table], !ids.isEmpty else { continue }
            _ = try await raw.rows(in: ids, leading: [mergedID, ws, kept]) {
                "UPDATE \(table) SET contact_id = ? WHERE workspace_id = ? AND contact_id = ? AND id IN (\($0))"
            }
        }
        try await raw.run("UPDATE identity_merges SET undone_at = ? WHERE id = ?", [.integer(now), .text(merge.id)])
        merge.undoneAt = now
        return merge
    }
}
