import CPitcrew
import Foundation

/// A task executor with a thread of its own. Work that calls SQLite synchronously (the collection log's commits, the
/// processor's transactions) runs here instead of on the two threads of Swift's cooperative pool, which keep serving
/// requests meanwhile. `idle` puts the thread in Linux's idle scheduling class (background catch-up work: it runs only
/// when no other thread wants the CPU).
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(name: String, idle: Bool = false) {
        let thread = Thread { [unowned self] in
            if idle { _ = pitcrew_idle_thread_priority() }
            self.loop()
        }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
