import Foundation

/// The attribution models, named exactly as on the command line and in output rows.
public enum AttributionModel: String, Sendable, Hashable, Codable, CaseIterable {
    /// All credit to the first touch.
    case firstTouch = "first_touch"
    /// All credit to the last touch.
    case lastTouch = "last_touch"
    /// All credit to the last touch that is not a direct visit; a journey made only of direct touches credits its
    /// last (direct) touch, so no conversion is dropped.
    case lastNonDirect = "last_non_direct"
    /// Equal credit to every touch; a channel touched twice gets two shares (ChannelAttribution's `linear_touch`).
    case linear
    /// Equal credit to every distinct channel of a journey.
    case linearUnique = "linear_unique"
    /// Credit halves every `halfLifeDays` before the conversion; needs touch timestamps (see `TimeDecayFallback`).
    case timeDecay = "time_decay"
    /// U-shaped: first and last touch 40 % each, 20 % spread over the touches between (configurable).
    case positionBased = "position_based"
    /// W-shaped: first touch, lead-creation touch and opportunity-creation touch 30 % each, 10 % over the rest.
    case wShaped = "w_shaped"
    /// Z-shaped (full path): first, lead-creation, opportunity-creation and last touch 22.5 % each, 10 % over the rest.
    case fullPath = "full_path"
    /// User weights by position: relative weight of the first touch, of each middle touch and of the last touch.
    case custom
    /// Markov-chain removal effects of order 1–4, solved exactly (no simulation).
    case markov
    /// Shapley value with v(S) = conversions of the journeys whose channel set is a subset of S.
    case shapley
    /// Shapley value with the conversion rate of each channel set instead of its conversions, scaled to the total.
    case shapleyRate = "shapley_rate"
    /// Zhao et al.'s ordered Shapley: Shapley credit booked at the position where the channel first appears.
    case shapleyOrdered = "shapley_ordered"

    /// Parses a model name (case-insensitive, `-` accepted for `_`).
    public init(name: String) throws(AttributionError) {
        let normalized = name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
        guard let model = AttributionModel(rawValue: normalized) else { throw .unknownModel(name: name) }
        self = model
    }

    /// Parses `all` or a comma-separated list of model names, keeping the given order and dropping duplicates.
    public static func parseList(_ text: String) throws(AttributionError) -> [AttributionModel] {
        var models: [AttributionModel] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "all" {
                for model in allCases where !models.contains(model) { models.append(model) }
                continue
            }
            let model = try AttributionModel(name: name)
            if !models.contains(model) { models.append(model) }
        }
        if models.isEmpty { throw .unknownModel(name: text) }
        return models
    }

    /// Whether the model has bootstrap confidence intervals (the data-driven models).
    public var supportsBootstrap: Bool {
        switch self {
        case .markov, .shapley, .shapleyRate, .shapleyOrdered: return true
        default: return false
        }
    }
}
