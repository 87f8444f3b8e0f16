/// Date and timestamp parsing for spreadsheet and CRM exports, by hand rather
/// than with `DateFormatter` (which is locale-dependent and slow).
///
/// Accepted shapes (any of them may carry a time, see `DateTimeParts`):
/// - ISO 8601: "2026-01-05", "2026-01-05T14:22:10.5Z", "2026-01-05 14:22+02:00"
/// - "2026/01/05"; "01/05/2026" or "05/01/2026" per `DayOrder`, except that
///   a first or second number above 12 settles the order by itself
/// - "05.01.2026" (dotted dates are day-first unless the numbers say otherwise)
/// - month names: "Jan 5, 2026", "5 Jan 2026", "January 5th 2026", "Mon, 5 Jan 2026"
/// - two-digit years ("1/5/26") mean 20xx
/// - Unix time: 10 digits = seconds, 13 digits = milliseconds; 8 digits = "YYYYMMDD"
public enum FlexibleDate {
    /// The calendar day written in `raw`, as "YYYY-MM-DD".
    ///
    /// A time and offset in the text are ignored: the day is the one the
    /// writer saw. Unix timestamps are read as UTC days.
    /// The order a numeric date proves by itself: `13/02/2024` is day first, `02/13/2024` month first; nil when either
    /// reading works (`04/02/2024`) or the date is not of that form.
    public static func impliedOrder(_ raw: String) -> DayOrder? {
        if case .implies(let order) = orderEvidence(raw) { return order }
        return nil
    }

    /// What a date says about the day order: it proves one, it could be read either way (`04/02/2024`: the day order
    /// chosen decides it), or it does not depend on it (ISO, month names, dotted, `05/05/2024`).
    public enum OrderEvidence: Equatable, Sendable { case none, ambiguous, implies(DayOrder) }

    public static func orderEvidence(_ raw: String) -> OrderEvidence {
        var numbers: [Int] = []
        var digits = 0
        var value = 0
        for scalar in raw.unicodeScalars.drop(while: { $0 == " " }) {
            if ("0"..."9").contains(scalar) {
                value = value * 10 + Int(scalar.value - 48)
                digits += 1
                if digits > 2 { return .none }
            } else if scalar == "." {
                // Dotted dates are read day first whatever the order (see `DateTimeParts.takeDate`): they imply nothing.
                return .none
            } else if scalar == "/" || scalar == "-" {
                guard digits > 0, numbers.count < 2 else { break }
                numbers.append(value)
                value = 0
                digits = 0
            } else {
                return .none
            }
            if numbers.count == 2 { break }
        }
        guard numbers.count == 2 else { return .none }
        let (a, b) = (numbers[0], numbers[1])
        if a > 12, b <= 12 { return .implies(.dayFirst) }
        if b > 12, a <= 12 { return .implies(.monthFirst) }
        return a <= 12 && b <= 12 && a != b ? .ambiguous : .none
    }

    public static func parseDay(_ raw: String, order: DayOrder) -> Result<String, FieldProblem> {
        parse(raw, order: order).map { CivilDate.iso(year: $0.year, month: $0.month, day: $0.day) }
    }

    /// The instant written in `raw`, as milliseconds since 1970-01-01 UTC.
    ///
    /// An explicit "Z"/"UTC"/"GMT" or numeric offset in the text wins;
    /// otherwise the local wall time is taken to be `timeZoneOffsetSeconds`
    /// east of UTC (e.g. 3600 for CET). A date without a time means local midnight.
    public static func parseInstant(
        _ raw: String, order: DayOrder, timeZoneOffsetSeconds: Int = 0
    ) -> Result<Int64, FieldProblem> {
        parse(raw, order: order).map { parts in
            if let epoch = parts.epochMilliseconds { return epoch }
            let days = CivilDate.days(year: parts.year, month: parts.month, day: parts.day)
            let wall = days * 86_400_000 + Int64(parts.hour) * 3_600_000
                + Int64(parts.minute) * 60_000 + Int64(parts.second) * 1000 + Int64(parts.millisecond)
            return wall - Int64(parts.offsetSeconds ?? timeZoneOffsetSeconds) * 1000
        }
    }

    static func parse(_ raw: String, order: DayOrder) -> Result<DateTimeParts, FieldProblem> {
        if let parts = isoFastPath(raw) { return .success(parts) }
        return parseGeneral(raw, order: order)
    }

    /// Every accepted shape, token by token.
    static func parseGeneral(_ raw: String, order: DayOrder) -> Result<DateTimeParts, FieldProblem> {
        let text = TextFolding.trim(raw)
        if text.isEmpty { return .failure(FieldProblem(reason: "is empty")) }
        if TextFolding.isDigits(text) { return parseDigitsOnly(text) }
        var parts = DateTimeParts()
        var tokens = DateToken.tokenize(text)
        if let problem = parts.takeTime(from: &tokens) { return .failure(problem) }
        if let problem = parts.takeDate(from: tokens, order: order) { return .failure(problem) }
        return .success(parts)
    }

    /// The shapes nearly every export writes, read straight from the bytes: "YYYY-MM-DD", optionally followed by
    /// "T" or a space and "HH:MM" or "HH:MM:SS" (no fraction, no offset). Anything else, or any value out of range, is
    /// left to the general reader (nil), which also words the problem.
    static func isoFastPath(_ raw: String) -> DateTimeParts? {
        raw.utf8.withContiguousStorageIfAvailable { bytes -> DateTimeParts? in
            let n = bytes.count
            guard n == 10 || n == 16 || n == 19, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<start + count {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2) else { return nil }
            var parts = DateTimeParts()
            guard parts.setDate(year: year, month: month, day: day) == nil else { return nil }
            guard n > 10 else { return parts }
            guard bytes[10] == 0x54 || bytes[10] == 0x20 || bytes[10] == 0x74, bytes[13] == 0x3A,
                let hour = number(11, 2), let minute = number(14, 2), hour <= 23, minute <= 59 else { return nil }
            parts.hour = hour
            parts.minute = minute
            guard n == 19 else { return parts }
            guard bytes[16] == 0x3A, let second = number(17, 2), second <= 59 else { return nil }
            parts.second = second
            return parts
        } ?? nil
    }

    /// Unix seconds (10 digits), Unix milliseconds (13) or basic ISO "YYYYMMDD" (8).
    private static func parseDigitsOnly(_ text: String) -> Result<DateTimeParts, FieldProblem> {
        var parts = DateTimeParts()
        switch text.count {
        case 8:
            let y = Int(text.prefix(4)) ?? 0, m = Int(text.dropFirst(4).prefix(2)) ?? 0
            let d = Int(text.suffix(2)) ?? 0
            if let problem = parts.setDate(year: y, month: m, day: d) { return .failure(problem) }
            return .success(parts)
        case 10, 13:
            guard let value = Int64(text) else { break }
            let ms = text.count == 10 ? value * 1000 : value
            let date = CivilDate.date(days: ms / 86_400_000)
            parts.year = date.year; parts.month = date.month; parts.day = date.day
            parts.epochMilliseconds = ms
            return .success(parts)
        default:
            break
        }
        return .failure(FieldProblem(
            reason: "is not a date: a bare number must be Unix seconds (10 digits) or milliseconds (13 digits)"))
    }
}
