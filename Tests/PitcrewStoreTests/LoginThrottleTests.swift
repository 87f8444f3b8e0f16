import PitcrewCore
import PitcrewStore
import PitcrewTestSupport
import Testing

@Suite struct LoginThrottleTests {
    static func isLocked(_ throttle: LoginThrottle, _ email: String, client: String? = nil, at now: Int64) -> Bool {
        do {
            try throttle.check(email: email, client: client, now: now)
            return false
        } catch let error as PitcrewError {
            return error.kind == .rateLimited
        } catch {
            return false
        }
    }

    @Test func failuresLockTheEmailForLongerEachTimeAndSuccessClearsIt() {
        let throttle = LoginThrottle()
        let start: Int64 = 1_000_000_000
        for attempt in 0..<4 { throttle.failed(email: "Ann@Example.com", client: nil, now: start + Int64(attempt)) }
        #expect(!Self.isLocked(throttle, "ann@example.com", at: start + 10))
        throttle.failed(email: "ann@example.com ", client: nil, now: start + 10)
        // Five failures: locked for a minute, whatever the case or spacing of the address.
        #expect(Self.isLocked(throttle, " ANN@example.com", at: start + 11))
        #expect(Self.isLocked(throttle, "ann@example.com", at: start + 59_000))
        #expect(!Self.isLocked(throttle, "ann@example.com", at: start + 60_011))
        #expect(!Self.isLocked(throttle, "bob@example.com", at: start + 11))
        // One more failure doubles the lock.
        throttle.failed(email: "ann@example.com", client: nil, now: start + 61_000)
        #expect(Self.isLocked(throttle, "ann@example.com", at: start + 61_000 + 119_000))
        #expect(!Self.isLocked(throttle, "ann@example.com", at: start + 61_000 + 120_001))
        throttle.succeeded(email: "ann@example.com")
        throttle.failed(email: "ann@example.com", client: nil, now: start + 200_000)
        #expect(!Self.isLocked(throttle, "ann@example.com", at: start + 200_001))
    }

    @Test func oneClientTryingManyEmailsIsLocked() {
        let throttle = LoginThrottle()
        let now: Int64 = 5_000_000_000
        for index in 0..<30 { throttle.failed(email: "user\(index)@example.com", client: "203.0.113.9", now: now) }
        #expect(Self.isLocked(throttle, "someone-new@example.com", client: "203.0.113.9", at: now + 1))
        #expect(!Self.isLocked(throttle, "someone-new@example.com", client: "198.51.100.7", at: now + 1))
        // A window later, it starts again.
        #expect(!Self.isLocked(throttle, "someone-new@example.com", client: "203.0.113.9", at: now + 15 * 60_000 + 1))
    }

    @Test(arguments: TestBackend.available)
    func aLockedEmailIsRefusedEvenWithTheRightPassword(backend: TestBackend) async throws {
        try await TestDatabase.with(backend) { database in
            let access = AccessService.forTests(database)
            _ = try await SeededWorkspace.make(access, slug: "acme")
            for _ in 0..<5 {
                await #expect(throws: PitcrewError(.unauthenticated, "The email or password is not right.")) {
                    _ = try await access.login(email: "acme-owner@example.com", password: "guess", client: "203.0.113.9")
                }
            }
            do {
                _ = try await access.login(email: "acme-owner@example.com", password: "correct horse battery", client: "198.51.100.7")
                Issue.record("a locked email signed in")
            } catch let error as PitcrewError {
                #expect(error.kind == .rateLimited && error.detail.contains("1 minute"))
            }
        }
    }
}
