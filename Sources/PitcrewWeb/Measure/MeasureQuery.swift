import Hummingbird
import PitcrewAnalytics
import PitcrewCore
import PitcrewMeasure

/// Reads attribution and funnel parameters from a query string, naming the parameter at fault.
struct MeasureQuery {
    static let defaultModels = "last_touch,first_touch,linear,position_based,markov,shapley"

    /// `models`, `conversion`, `unit`, `dimension`, `lookback_days`, `from`, `to`, `order`.
    static func attribution(_ query: [String: String], today: CalendarDate) throws(PitcrewError) -> (JourneyDefinition, [AttributionModel], AttributionOptions) {
        var validator = Validator()
        let to = date(query["to"], field: "to", default: today, into: &validator)
        let from = date(query["from"], field: "from", default: to.adding(days: -365), into: &validator)
        var definition = JourneyDefinition(from: from, to: to)
        do {
            definition.conversion = try ConversionDefinition(parsing: query["conversion"] ?? "won")
        } catch {
            validator.add("conversion", error.fieldErrors.first?.message ?? "is not valid")
        }
        if let unit = query["unit"] {
            if let parsed = JourneyUnit(rawValue: unit) { definition.unit = parsed } else { validator.add("unit", "must be contact or account") }
        } else {
            definition.unit = .account
        }
        if let dimension = query["dimension"] {
            if let parsed = CreditDimension(rawValue: dimension) { definition.dimension = parsed } else {
                validator.add("dimension", "must be channel or campaign")
            }
        }
        if let lookback = query["lookback_days"] {
            if let days = Int(lookback) { definition.lookbackDays = days } else { validator.add("lookback_days", "must be an integer") }
        }
        definition.includeOffline = query["online_only"] != "true"
        var models: [AttributionModel] = []
        do {
            models = try AttributionModel.parseList(query["models"] ?? defaultModels)
        } catch {
            validator.add("models", "\(error)")
        }
        var options = AttributionOptions()
        if let order = query["order"] {
            if let value = Int(order), (1...4).contains(value) { options.markovOrder = value } else { validator.add("order", "must be 1, 2, 3 or 4") }
        }
        if let replicates = query["bootstrap"] {
            let seed = query["seed"].flatMap { UInt64($0) }
            if query["seed"] != nil, seed == nil { validator.add("seed", "must be a non-negative integer") }
            if let count = Int(replicates), (2...1000).contains(count) {
                options.bootstrap = BootstrapOptions(replicates: count, seed: seed ?? 0)
            } else {
                validator.add("bootstrap", "must be a number of replicates from 2 to 1000")
            }
        }
        try validator.finish()
        try definition.validate()
        return (definition, models, options)
    }

    /// `steps` (comma-separated `event:NAME` / `stage:NAME`; default the lifecycle stages), `from`, `to`.
    static func funnel(_ query: [String: String], today: CalendarDate) throws(PitcrewError) -> ([FunnelStep], CalendarDate, CalendarDate) {
        var validator = Validator()
        let to = date(query["to"], field: "to", default: today, into: &validator)
        let from = date(query["from"], field: "from", default: to.adding(days: -365), into: &validator)
        var steps: [FunnelStep] = []
        let text = query["steps"] ?? defaultLifecycleStages.map { "stage:\($0)" }.joined(separator: ",")
        for part in text.split(separator: ",") {
            do {
                steps.append(try FunnelStep(parsing: String(part).trimmingASCIIWhitespace()))
            } catch {
                validator.add("steps", error.fieldErrors.first?.message ?? error.detail)
            }
        }
        try validator.finish()
        return (steps, from, to)
    }

    static func date(_ text: String?, field: String, default fallback: CalendarDate, into validator: inout Validator) -> CalendarDate {
        guard let text, !text.isEmpty else { return fallback }
        guard let date = CalendarDate(text) else {
            validator.add(field, "must be a date as YYYY-MM-DD")
            return fallback
        }
        return date
    }
}

extension Request {
    /// The query string as a dictionary (last value wins).
    var queryDictionary: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in uri.queryParameters { result[String(key)] = String(value) }
        return result
    }
}
