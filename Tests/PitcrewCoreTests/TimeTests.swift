import Testing
@testable import PitcrewCore

@Suite struct TimeTests {
    @Test func calendarDateRoundTripsThroughDaysSinceEpoch() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CalendarDate("2024-02-29")?.adding(days: 1).description == "2024-03-01")
    }

    @Test func calendarDateRejectsImpossibleDays() {
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        #expect(CalendarDate("2026-1-01") == nil)
        #expect(CalendarDate("yesterday") == nil)
    }

    @Test func quarterStart() {
        #expect(CalendarDate("2026-11-23")!.quarterStart.description == "2026-10-01")
        #expect(CalendarDate("2026-03-31")!.quarterStart.description == "2026-01-01")
    }

    @Test func iso8601FormatsAndParses() {
        let millis: Int64 = 1_795_424_100_123
        let text = Timestamp.iso8601(millis)
        #expect(text == "2026-11-23T08:55:00.123Z")
        #expect(Timestamp.parseISO8601(text) == millis)
        #expect(Timestamp.parseISO8601("2026-11-23T09:55:00.123+01:00") == millis)
        #expect(Timestamp.parseISO8601("2026-11-23") == CalendarDate("2026-11-23")!.startMillis)
        #expect(Timestamp.parseISO8601("2026-11-23T25:00:00Z") == nil)
        #expect(Timestamp.parseISO8601("not a date") == nil)
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59.999Z")
    }
}

@Suite struct ValidationTests {
    @Test(arguments: [
        ("  Dana@Example.COM ", "dana@example.com"), ("a.b+tag@sub.example.org", "a.b+tag@sub.example.org"),
    ])
    func normalizesValidEmails(input: String, expected: String) {
        #expect(Validation.normalizedEmail(input) == expected)
    }

    @Test(arguments: ["", "no-at-sign", "two@@example.com", "a@b", "a@.com", "a b@example.com", ".a@example.com", "a@example.c"])
    func rejectsInvalidEmails(input: String) {
        #expect(Validation.normalizedEmail(input) == nil)
    }

    @Test func slugs() {
        #expect(Validation.isSlug("acme-marketing"))
        #expect(!Validation.isSlug("Acme"))
        #expect(!Validation.isSlug("-acme"))
        #expect(!Validation.isSlug("a"))
        #expect(!Validation.isSlug("acme_ops"))
    }

    @Test func validatorReportsEveryProblem() {
        var validator = Validator()
        validator.check(false, "a", "bad")
        validator.check(true, "b", "fine")
        validator.add("c", "worse")
        #expect(throws: PitcrewError.self) { try validator.finish() }
        #expect(validator.errors.map(\.field) == ["a", "c"])
    }
}

@Suite struct MoneyAndRoleTests {
    @Test func formatsMoneyWithoutFloatingPoint() {
        #expect(Money(minorUnits: 1_234_567_89, currency: "USD").formatted() == "$1,234,567")
        #expect(Money(minorUnits: 1_234_567_89, currency: "USD").formatted(withCents: true) == "$1,234,567.89")
        #expect(Money(minorUnits: -5, currency: "EUR").formatted(withCents: true) == "-€0.05")
        #expect(Money(minorUnits: 1000, currency: "JPY").formatted(withCents: true) == "¥1,000")
        #expect(Money(minorUnits: 100, currency: "CHF").formatted() == "CHF 1")
    }

    @Test func rolesAreOrdered() {
        #expect(Role.viewer < Role.analyst && Role.analyst < Role.marketer && Role.marketer < Role.admin && Role.admin < Role.owner)
        #expect(Role.marketer.allows(.write))
        #expect(!Role.analyst.allows(.write))
        #expect(!Role.marketer.allows(.manageMembers))
        #expect(Role.owner.allows(.manageWorkspace))
        #expect(throws: PitcrewError.self) { try Role.parse("superuser") }
    }

    @Test func identifiersAreTimeOrderedUUIDv7() {
        var generator = SystemRandomNumberGenerator()
        let earlier = Identifier.make(millis: 1_000, using: &generator)
        let later = Identifier.make(millis: 2_000, using: &generator)
        #expect(earlier < later)
        #expect(Identifier.isValid(earlier))
        #expect(Array(earlier)[14] == "7")
        #expect(!Identifier.isValid("1; DROP TABLE users"))
    }
}

@Suite struct ISO8601FractionTests {
    @Test(arguments: [
        ("2026-11-23T04:12:12.393918+00:00", Int64(1_795_407_132_393)), ("2026-11-23T04:12:12.3Z", 1_795_407_132_300),
        ("2026-11-23T04:12:12.123456789Z", 1_795_407_132_123), ("2026-11-23T04:12:12Z", 1_795_407_132_000),
    ])
    func fractionsOfAnyLength(text: String, millis: Int64) {
        #expect(Timestamp.parseISO8601(text) == millis)
    }
}
