public import PitcrewCore
import Foundation

/// One page of a list, and the opaque cursor for the next page (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Keyset pagination over UUIDv7 ids. The cursor is the last id seen, base64url-encoded so callers treat it as opaque.
public struct PageRequest: Sendable, Equatable {
    public static let maximumLimit = 500
    public var limit: Int
    /// The id after which the page starts (decoded cursor), or nil for the first page.
    public var after: String?

    public init(limit: Int = 50, after: String? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Validates a `limit` and `cursor` as callers send them.
    public init(limit: Int?, cursor: String?) throws(PitcrewError) {
        var validator = Validator()
        let limit = limit ?? 50
        validator.check((1...Self.maximumLimit).contains(limit), "limit", "must be between 1 and \(Self.maximumLimit)")
        var after: String?
        if let cursor, !cursor.isEmpty {
            after = PageRequest.decodeCursor(cursor)
            validator.check(after != nil, "cursor", "is not a cursor this API returned")
        }
        try validator.finish()
        self.init(limit: limit, after: after)
    }

    public static func decodeCursor(_ cursor: String) -> String? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), let id = String(data: data, encoding: .utf8), Identifier.isValid(id) else {
            return nil
        }
        return id
    }

    public static func encodeCursor(_ id: String) -> String {
        Data(id.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Builds a page from up to `limit + 1` fetched items.
    public func page<Item>(_ fetched: [Item], id: (Item) -> String) -> Page<Item> {
        if fetched.count > limit {
            let items = Array(fetched.prefix(limit))
            return Page(items: items, nextCursor: items.last.map { PageRequest.encodeCursor(id($0)) })
        }
        return Page(items: fetched, nextCursor: nil)
    }
}
