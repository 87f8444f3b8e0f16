public import SQLKit

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func int(_ column: String) throws -> Int { Int(try decode(column: column, as: Int64.self)) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    func double(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
}
