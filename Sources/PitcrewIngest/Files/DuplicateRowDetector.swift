/// Spots rows of one file that repeat an earlier row.
///
/// For kinds with a key (contacts, accounts, opportunities, spend) a repeated key is
/// reported; the importer applies rows in order, so the later row wins. Touchpoints have no
/// key and are appended, so exact duplicates (same values and traits) are reported instead,
/// since they would double-count a touch.
///
/// Memory: one 64-bit hash and a row number per distinct row (about 40 bytes each in a
/// dictionary), so ~40 MB for a million rows; hash collisions are negligible at that size.
public struct DuplicateRowDetector: Sendable {
    public let kind: ImportKind
    private var firstRow: [UInt64: Int] = [:]
    fileprivate var recordRows: [UInt64: Int] = [:]

    public init(kind: ImportKind) {
        self.kind = kind
    }

    /// Records `row` and returns a problem if an earlier row had the same key (or, for
    /// touchpoints, the same content). Rows without a key are not checked.
    public mutating func check(_ row: MappedRow) -> ImportProblem? {
        var hasher = StableHasher()
        if kind.keyRule == .none {
            for name in row.values.keys.sorted() {
                hasher.combine(name)
                hasher.combine(row.values[name] ?? "")
            }
            hasher.combine("\u{1}traits")
            for name in row.traits.keys.sorted() {
                hasher.combine(name)
                hasher.combine(row.traits[name] ?? "")
            }
        } else {
            guard let key = row.key else { return nil }
            for (field, value) in zip(key.fields, key.values) {
                hasher.combine(field)
                hasher.combine(value)
            }
        }
        let digest = hasher.value
        if let earlier = firstRow[digest] {
            if kind.keyRule == .none {
                return ImportProblem(row: row.row, reason: "exact duplicate of row \(earlier)")
            }
            let key = row.key
            return ImportProblem(
                row: row.row, field: key?.fields.count == 1 ? key?.fields.first : nil,
                value: key?.values.count == 1 ? key?.values.first : nil,
                reason: "same key (\(key?.description ?? "")) as row \(earlier); the later row wins")
        }
        firstRow[digest] = row.row
        return nil
    }
}

extension DuplicateRowDetector {
    /// Reports a record equal to an earlier one in every field of the file (spend: rows of one key add up, but the same
    /// row twice is a copy). Kept apart from `check`'s keys.
    public mutating func checkRecord(_ record: Record) -> ImportProblem? {
        var hasher = StableHasher()
        hasher.combine("\u{2}record")
        for field in record.fields { hasher.combine(field) }
        let digest = hasher.value
        if let earlier = recordRows[digest] { return ImportProblem(row: record.row, reason: "exact duplicate of row \(earlier)") }
        recordRows[digest] = record.row
        return nil
    }
}

/// FNV-1a 64 over length-prefixed strings: stable across runs (unlike `Hasher`) and cheap.
struct StableHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        var count = UInt64(text.utf8.count)
        for _ in 0..<8 {
            mix(UInt8(truncatingIfNeeded: count))
            count >>= 8
        }
        for byte in text.utf8 { mix(byte) }
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }
}
