import Foundation

/// What an event conversion is worth: its `revenue`, else its `value`, else its `total` property (Segment's e-commerce
/// spec and its generic `value`), in major units of its `currency` property, else of the workspace's. An event of another
/// currency is left out of the report (counted, as deals of other currencies are); one without an amount is worth 0.
struct EventValue {
    /// The amount in major units of the workspace's currency, or nil for an amount in another currency.
    var major: Double?

    /// From the amount and currency as SQLite's JSON functions give them (text; empty when absent).
    init(amount: UnsafeBufferPointer<UInt8>, currency: UnsafeBufferPointer<UInt8>, workspaceCurrency: String) {
        let amount = amount.isEmpty ? nil : Double(String(decoding: amount, as: UTF8.self))
        let code = currency.isEmpty ? nil : String(decoding: currency, as: UTF8.self)
        self.init(amount: amount, currency: code, workspaceCurrency: workspaceCurrency)
    }

    /// From an event's properties (JSON text).
    init(properties: String?, workspaceCurrency: String) {
        guard let properties, properties.contains("revenue") || properties.contains("value") || properties.contains("total"),
            let object = try? JSONSerialization.jsonObject(with: Data(properties.utf8)) as? [String: Any]
        else {
            self.init(amount: nil, currency: nil, workspaceCurrency: workspaceCurrency)
            return
        }
        let amount = ["revenue", "value", "total"].lazy.compactMap { key -> Double? in
            switch object[key] {
            case let number as NSNumber: number.doubleValue
            case let text as String: Double(text)
            default: nil
            }
        }.first
        self.init(amount: amount, currency: object["currency"] as? String, workspaceCurrency: workspaceCurrency)
    }

    init(amount: Double?, currency: String?, workspaceCurrency: String) {
        guard let amount, amount.isFinite else {
            major = 0
            return
        }
        if let currency, !currency.isEmpty, currency.uppercased() != workspaceCurrency.uppercased() {
            major = nil
        } else {
            major = amount
        }
    }
}
