/// The fields read from one date string, filled in two passes: the time of
/// day (and offset) is found and removed from the tokens first, and the
/// remaining tokens must form a date.
struct DateTimeParts: Sendable {
    var year = 0, month = 0, day = 0
    var hour = 0, minute = 0, second = 0, millisecond = 0
    /// Offset east of UTC written in the text ("Z" = 0), or nil if none was written.
    var offsetSeconds: Int?
    /// Set for Unix timestamps, which name an instant directly.
    var epochMilliseconds: Int64?

    private static let months: [String: Int] = {
        var map: [String: Int] = ["sept": 9]
        for (index, name) in CivilDate.monthNames.enumerated() {
            map[name.lowercased()] = index + 1
            map[String(name.lowercased().prefix(3))] = index + 1
        }
        return map
    }()

    /// Words that may appear in a date without meaning anything: weekdays,
    /// ordinal suffixes ("5th") and fillers.
    private static let ignoredWords: Set<String> = [
        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
        "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",
        "st", "nd", "rd", "th", "of", "the", "at", "on",
    ]

    private static func problem(_ why: String) -> FieldProblem {
        FieldProblem(reason: "is not a valid date: \(why)")
    }

    /// Finds "H:MM[:SS[.fff]] [am|pm] [Z|UTC|GMT|±HH[:MM]]", stores it and
    /// removes it (and a "T" just before it) from `tokens`. Returns a problem
    /// for out-of-range values; returns nil when there is no time at all.
    mutating func takeTime(from tokens: inout [DateToken]) -> FieldProblem? {
        guard let start = tokens.indices.first(where: { i in
            i + 2 < tokens.count && tokens[i].number != nil
                && tokens[i + 1].mark == ":" && tokens[i + 2].number != nil
        }) else { return nil }
        var i = start
        func number() -> Int? {
            guard i < tokens.count, let digits = tokens[i].number else { return nil }
            i += 1
            return Int(digits)
        }
        let h = number() ?? 0
        i += 1
        let m = number() ?? 0
        var s = 0
        if i + 1 < tokens.count, tokens[i].mark == ":", let digits = tokens[i + 1].number {
            s = Int(digits) ?? 99
            i += 2
            if i + 1 < tokens.count, tokens[i].mark == "." || tokens[i].mark == ",",
               let fraction = tokens[i + 1].number {
                millisecond = Int(String((fraction + "00").prefix(3))) ?? 0
                i += 2
            }
        }
        var meridiem: String?
        if i < tokens.count, let w = tokens[i].word, w == "am" || w == "pm" {
            meridiem = w
            i += 1
        } else if i + 2 < tokens.count, let w = tokens[i].word, w == "a" || w == "p",
                  tokens[i + 1].mark == ".", tokens[i + 2].word == "m" {
            meridiem = w + "m"
            i += 3
            if i < tokens.count, tokens[i].mark == "." { i += 1 }
        }
        if let w = (i < tokens.count ? tokens[i].word : nil), ["z", "utc", "gmt"].contains(w) {
            offsetSeconds = 0
            i += 1
        }
        if i + 1 < tokens.count, let sign = tokens[i].mark, sign == "+" || sign == "-" || sign == "\u{2212}",
           let digits = tokens[i + 1].number, digits.count == 2 || digits.count == 4 || digits.count == 1 {
            i += 2
            var oh = Int(digits.count == 4 ? String(digits.prefix(2)) : digits) ?? 99
            var om = digits.count == 4 ? Int(String(digits.suffix(2))) ?? 99 : 0
            if digits.count != 4, i + 1 < tokens.count, tokens[i].mark == ":", let mm = tokens[i + 1].number {
                om = Int(mm) ?? 99
                i += 2
            }
            if oh > 14 || om > 59 { return Self.problem("time zone offset out of range") }
            if sign != "+" { oh = -oh; om = -om }
            offsetSeconds = oh * 3600 + om * 60
        }
        if let meridiem {
            guard (1...12).contains(h) else { return Self.problem("hour \(h) is not valid with AM/PM") }
            hour = (h % 12) + (meridiem == "pm" ? 12 : 0)
        } else {
            guard h <= 23 else { return Self.problem("hour \(h) is out of range") }
            hour = h
        }
        guard m <= 59 else { return Self.problem("minute \(m) is out of range") }
        guard s <= 59 else { return Self.problem("second \(s) is out of range") }
        minute = m
        second = s
        var first = start
        if first > 0, tokens[first - 1].word == "t" { first -= 1 }
        tokens.removeSubrange(first..<i)
        return nil
    }

    /// Reads the date from the tokens left after `takeTime`.
    mutating func takeDate(from tokens: [DateToken], order: DayOrder) -> FieldProblem? {
        var numbers: [String] = []
        var marks: Set<Character> = []
        var month: Int?
        for token in tokens {
            switch token {
            case .number(let digits): numbers.append(digits)
            case .mark(let char): if char != "," { marks.insert(char) }
            case .word(let word):
                if let found = Self.months[word] {
                    if month != nil { return Self.problem("more than one month name") }
                    month = found
                } else if !Self.ignoredWords.contains(word) {
                    return FieldProblem(reason: "is not a date: unexpected word '\(word)'")
                }
            }
        }
        if let month {
            guard numbers.count == 2 else {
                return Self.problem("expected a day and a year with the month name")
            }
            let yearIndex = numbers[0].count == 4 ? 0 : 1
            return setDate(year: Self.year(numbers[yearIndex]), month: month,
                           day: Int(numbers[1 - yearIndex]) ?? 0)
        }
        guard numbers.count == 3 else {
            return FieldProblem(reason: "is not a date: expected day, month and year")
        }
        guard marks.count == 1, let mark = marks.first, "/-.".contains(mark) else {
            return FieldProblem(reason: "is not a date: separate day, month and year with one of / - .")
        }
        if numbers[0].count == 4 {
            return setDate(year: Int(numbers[0]) ?? 0, month: Int(numbers[1]) ?? 0, day: Int(numbers[2]) ?? 0)
        }
        guard numbers[2].count == 4 || numbers[2].count == 2, numbers[0].count <= 2, numbers[1].count <= 2 else {
            return FieldProblem(reason: "is not a date: unrecognized number layout")
        }
        let a = Int(numbers[0]) ?? 0, b = Int(numbers[1]) ?? 0
        let dayFirst: Bool
        if a > 12 && b <= 12 {
            dayFirst = true
        } else if b > 12 && a <= 12 {
            dayFirst = false
        } else {
            dayFirst = mark == "." || order == .dayFirst
        }
        return setDate(year: Self.year(numbers[2]), month: dayFirst ? b : a, day: dayFirst ? a : b)
    }

    /// Validates and stores a calendar date.
    mutating func setDate(year: Int, month: Int, day: Int) -> FieldProblem? {
        guard (1000...9999).contains(year) else { return Self.problem("year \(year) is out of range") }
        guard (1...12).contains(month) else { return Self.problem("month \(month) is out of range") }
        guard day >= 1, day <= CivilDate.daysInMonth(year, month) else {
            return Self.problem("\(CivilDate.monthNames[month - 1]) \(day), \(year) does not exist")
        }
        self.year = year
        self.month = month
        self.day = day
        return nil
    }

    /// A written year; two digits mean 2000–2099.
    private static func year(_ digits: String) -> Int {
        let value = Int(digits) ?? 0
        return digits.count == 2 ? 2000 + value : (digits.count == 4 ? value : 0)
    }
}
