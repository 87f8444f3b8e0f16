import Foundation
import Testing
@testable import PitcrewIngest

struct FlexibleDateTests {
    static let dayCases: [(String, DayOrder, String)] = [
        ("2026-01-05", DayOrder.monthFirst, "2026-01-05"),
        ("2026-01-05T14:22:10Z", .monthFirst, "2026-01-05"),
        ("2026-01-05T23:30:00-08:00", .monthFirst, "2026-01-05"),
        ("2026-01-05 14:22", .dayFirst, "2026-01-05"),
        ("2026/01/05", .dayFirst, "2026-01-05"),
        ("01/05/2026", .monthFirst, "2026-01-05"),
        ("01/05/2026", .dayFirst, "2026-05-01"),
        ("25/12/2026", .monthFirst, "2026-12-25"),
        ("12/25/2026", .dayFirst, "2026-12-25"),
        ("05.01.2026", .monthFirst, "2026-01-05"),
        ("5-1-2026", .dayFirst, "2026-01-05"),
        ("1/5/26", .monthFirst, "2026-01-05"),
        ("Jan 5, 2026", .dayFirst, "2026-01-05"),
        ("5 Jan 2026", .monthFirst, "2026-01-05"),
        ("January 5 2026", .dayFirst, "2026-01-05"),
        ("January 5th, 2026", .dayFirst, "2026-01-05"),
        ("Mon, 5 Jan 2026 14:22:10 GMT", .dayFirst, "2026-01-05"),
        ("05-Jan-2026", .monthFirst, "2026-01-05"),
        ("Sept 9 2026", .monthFirst, "2026-09-09"),
        ("2026 Jan 5", .monthFirst, "2026-01-05"),
        ("1/5/2026 2:30 PM", .monthFirst, "2026-01-05"),
        ("20260105", .monthFirst, "2026-01-05"),
        ("1767571200", .monthFirst, "2026-01-05"),
        ("1767571200000", .monthFirst, "2026-01-05"),
        ("2024-02-29", .monthFirst, "2024-02-29"),
        ("2000-02-29", .monthFirst, "2000-02-29"),
    ]

    @Test(arguments: dayCases)
    func day(raw: String, order: DayOrder, expected: String) {
        #expect(FlexibleDate.parseDay(raw, order: order) == .success(expected))
    }

    // 2026-01-05T00:00:00Z = 1767571200000 ms.
    static let instantCases: [(String, Int, Int64)] = [
        ("2026-01-05", 0, 1_767_571_200_000),
        ("2026-01-05", 3600, 1_767_567_600_000),
        ("2026-01-05T14:22:10Z", 0, 1_767_571_200_000 + 51_730_000),
        ("2026-01-05T14:22:10.5Z", 0, 1_767_571_200_000 + 51_730_500),
        ("2026-01-05T14:22:10.123456+02:00", 0, 1_767_571_200_000 + 44_530_123),
        ("2026-01-05T14:22:10+0530", 0, 1_767_571_200_000 + 51_730_000 - 19_800_000),
        ("2026-01-05 14:22", 0, 1_767_571_200_000 + 51_720_000),
        ("2026-01-05 14:22", -18000, 1_767_571_200_000 + 51_720_000 + 18_000_000),
        ("2026-01-05 14:22 UTC", -18000, 1_767_571_200_000 + 51_720_000),
        ("1/5/2026 2:30 PM", 0, 1_767_571_200_000 + 52_200_000),
        ("1/5/2026 12:05 a.m.", 0, 1_767_571_200_000 + 300_000),
        ("1/5/2026 12:00 PM", 0, 1_767_571_200_000 + 43_200_000),
        ("Jan 5, 2026 9:15:30 am", 0, 1_767_571_200_000 + 33_330_000),
        ("1767571200", 3600, 1_767_571_200_000),
        ("1767571200123", 0, 1_767_571_200_123),
        ("1970-01-01T00:00:00Z", 0, 0),
        ("1969-12-31T23:59:59Z", 0, -1000),
    ]

    @Test(arguments: instantCases)
    func instant(raw: String, offset: Int, expected: Int64) {
        #expect(FlexibleDate.parseInstant(raw, order: .monthFirst, timeZoneOffsetSeconds: offset) == .success(expected))
    }

    static let rejectsCases: [(String, String)] = [
        ("", "is empty"),
        ("2026-02-30", "is not a valid date: February 30, 2026 does not exist"),
        ("2025-02-29", "is not a valid date: February 29, 2025 does not exist"),
        ("31/04/2026", "is not a valid date: April 31, 2026 does not exist"),
        ("Feb 30, 2026", "is not a valid date: February 30, 2026 does not exist"),
        ("2026-13-01", "is not a valid date: month 13 is out of range"),
        ("13/13/2026", "is not a valid date: month 13 is out of range"),
        ("2026-01-00", "is not a valid date: January 0, 2026 does not exist"),
        ("0999-01-01", "is not a valid date: year 999 is out of range"),
        ("2026-01-05T24:00", "is not a valid date: hour 24 is out of range"),
        ("2026-01-05T12:60", "is not a valid date: minute 60 is out of range"),
        ("2026-01-05T12:30:61", "is not a valid date: second 61 is out of range"),
        ("1/5/2026 13:00 PM", "is not a valid date: hour 13 is not valid with AM/PM"),
        ("2026-01-05T12:00+15:00", "is not a valid date: time zone offset out of range"),
        ("12345", "is not a date: a bare number must be Unix seconds (10 digits) or milliseconds (13 digits)"),
        ("next tuesday", "is not a date: unexpected word 'next'"),
        ("Jan 2026", "is not a valid date: expected a day and a year with the month name"),
        ("Jan Feb 5 2026", "is not a valid date: more than one month name"),
        ("2026-01", "is not a date: expected day, month and year"),
        ("2026/01-05", "is not a date: separate day, month and year with one of / - ."),
        ("1/5/126", "is not a date: unrecognized number layout"),
    ]

    @Test(arguments: rejectsCases)
    func rejects(raw: String, reason: String) {
        #expect(FlexibleDate.parseDay(raw, order: .monthFirst) == .failure(FieldProblem(reason: reason)))
    }

    /// The byte-level reader of ISO dates (what nearly every export writes) reads exactly what the general reader reads,
    /// and leaves everything out of range or of another shape to it.
    @Test func isoFastPathAgreesWithTheGeneralReader() {
        var inputs: [String] = []
        for (year, month, day) in [(2026, 1, 5), (2024, 2, 29), (2023, 2, 29), (2026, 13, 1), (2026, 0, 10), (2026, 4, 31), (999, 1, 1), (2026, 12, 31)] {
            let date = String(format: "%04d-%02d-%02d", year, month, day)
            inputs.append(date)
            for separator in ["T", " ", "t", "x"] {
                for (hour, minute, second) in [(0, 0, 0), (23, 59, 59), (24, 0, 0), (10, 60, 0), (10, 3, 60), (9, 5, 7)] {
                    inputs.append(date + separator + String(format: "%02d:%02d", hour, minute))
                    inputs.append(date + separator + String(format: "%02d:%02d:%02d", hour, minute, second))
                }
            }
        }
        inputs += ["2026-01-05Z", "2026-1-05", "2026/01/05", "2026-01-05 1:03", "20x6-01-05", "2026-01-05 10:03:0x", "2026-01-05 10-03"]
        var fast = 0
        for input in inputs {
            let general = FlexibleDate.parseGeneral(input, order: .monthFirst)
            guard let parts = FlexibleDate.isoFastPath(input) else {
                continue
            }
            fast += 1
            guard case .success(let expected) = general else {
                Issue.record("\(input): the fast path read it, the general reader refused it")
                continue
            }
            let read: [Int] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond]
            let wanted: [Int] = [expected.year, expected.month, expected.day, expected.hour, expected.minute, expected.second, expected.millisecond]
            #expect(read == wanted, "\(input)")
            #expect(parts.offsetSeconds == expected.offsetSeconds && parts.epochMilliseconds == expected.epochMilliseconds, "\(input)")
        }
        // The 3 valid dates alone, and with a "T", space or "t" and each of the 7 valid times.
        #expect(fast == 3 * (1 + 3 * 7))
        #expect(FlexibleDate.parseDay("2026-02-30", order: .monthFirst) == .failure(FieldProblem(reason: "is not a valid date: February 30, 2026 does not exist")))
    }

    /// Slashed and dashed dates can prove their order; dotted ones are always read day first, so they prove nothing and
    /// never clash with an import's order.
    @Test func impliedOrders() {
        #expect(FlexibleDate.impliedOrder("19/06/2026") == .dayFirst && FlexibleDate.impliedOrder("06-19-2026") == .monthFirst)
        #expect(FlexibleDate.impliedOrder("04/02/2026") == nil && FlexibleDate.impliedOrder("19.06.2026") == nil)
        #expect(FlexibleDate.parseDay("19.06.2026", order: .monthFirst) == .success("2026-06-19"))
    }

    @Test func civilRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let date = CivilDate.date(days: days)
            #expect(CivilDate.days(year: date.year, month: date.month, day: date.day) == days)
        }
    }
}
