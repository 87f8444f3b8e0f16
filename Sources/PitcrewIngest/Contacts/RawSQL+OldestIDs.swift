import PitcrewStore

extension RawSQL {
    /// `column value → id` for rows of `table` in the workspace whose `column` is one of `values`; the oldest record (ids
    /// are time-ordered) wins when several share a value. No ORDER BY: it would make SQLite walk the table by id.
    /// `condition` (SQL without binds, e.g. `domain IS NULL`) narrows the rows.
    func oldestIDs(
        _ table: String, _ column: String, _ values: some Collection<String>, workspaceID: String, condition: String? = nil
    ) async throws -> [String: String] {
        var shared = Set<String>()
        return try await oldestIDs(table, column, values, workspaceID: workspaceID, condition: condition, shared: &shared)
    }

    /// The same; `shared` gets the values more than one row has (the oldest was chosen).
    func oldestIDs(
        _ table: String, _ column: String, _ values: some Collection<String>, workspaceID: String, condition: String? = nil,
        shared: inout Set<String>
    ) async throws -> [String: String] {
        var found: [String: String] = [:]
        let rows = try await self.rows(in: values, leading: [.text(workspaceID)]) {
            "SELECT \(column), id FROM \(table) WHERE workspace_id = ? AND \(condition.map { $0 + " AND " } ?? "")\(column) IN (\($0))"
        }
        for row in rows {
            guard let key = row[0].text, let id = row[1].text else { continue }
            if found[key] != nil { shared.insert(key) }
            if found[key].map({ id < $0 }) ?? true { found[key] = id }
        }
        return found
    }
}
