import PitcrewStore

extension RawSQL {
    /// `column value → id` for rows of `table` in the workspace whose `column` is one of `values`; the oldest record (ids
    /// are time-ordered) wins when several share a value. No ORDER BY: it would make SQLite walk the table by id.
    /// `condition` (SQL without binds, e.g. `domain IS NULL`) narrows the rows.
    func oldestIDs(
        _ table: String, _ column: String, _ values: some Collection<String>, workspaceID: String, condition: String? = nil
    ) async throws -> [String: String] {
        var found: [String: String] = [:]
        let rows = try await self.rows(in: values, leading: [.text(workspaceID)]) {
            "SELECT \(column), id FROM \(table) WHERE workspace_id = ? AND \(condition.map { $0 + " AND " } ?? "")\(column) IN (\($0))"
        }
        for row in rows {
            if let key = row[0].text, let id = row[1].text, found[key].map({ id < $0 }) ?? true { found[key] = id }
        }
        return found
    }
}
