/// A time kept as epoch milliseconds and written to JSON as ISO 8601 (`2026-11-24T09:30:00.000Z`), as every API time is.
/// Reading accepts either form (audit records written before carry milliseconds).
@propertyWrapper
public struct ISOTime: Sendable, Hashable, Codable {
    public var wrappedValue: Int64

    public init(wrappedValue: Int64) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let millis = try? container.decode(Int64.self) {
            wrappedValue = millis
        } else if let millis = Timestamp.parseISO8601(try container.decode(String.self)) {
            wrappedValue = millis
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Timestamp.iso8601(wrappedValue))
    }
}

/// `ISOTime` for a time that may be absent (`null` in JSON).
@propertyWrapper
public struct OptionalISOTime: Sendable, Hashable, Codable {
    public var wrappedValue: Int64?

    public init(wrappedValue: Int64?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try ISOTime(from: decoder).wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(Timestamp.iso8601(wrappedValue)) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key is an absent time.
    public func decode(_ type: OptionalISOTime.Type, forKey key: Key) throws -> OptionalISOTime {
        try decodeIfPresent(type, forKey: key) ?? OptionalISOTime(wrappedValue: nil)
    }
}
