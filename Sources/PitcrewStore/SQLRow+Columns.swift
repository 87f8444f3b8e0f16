public import SQLKit

extension SQLRow {
    public func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    public func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    public func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    public func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    public func int(_ column: String) throws -> Int { Int(try decode(column: column, as: Int64.self)) }
    public func bool(_ column: String) throws -> Bool { try decode(column: column, as: Bool.self) }
    public func double(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
}
