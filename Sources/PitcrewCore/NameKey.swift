import Foundation

/// A name as the database compares it when names are unique in any case (`tools.name_key`): canonically composed and
/// lower-cased by Unicode rules, so "Émail Tool" and "émail tool" are one name on SQLite (whose `lower()` folds only
/// ASCII) and on PostgreSQL whatever its locale.
public enum NameKey {
    public static func of(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.lowercased()
    }
}
