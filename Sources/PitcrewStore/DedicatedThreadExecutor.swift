import CPitcrew
import Foundation

/// A task executor with a thread of its own. Work that calls SQLite synchronously (the collection log's commits, the
/// processor's transactions) runs here instead of on the two threads of Swift's cooperative pool, which keep serving
/// requests meanwhile.
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// How the thread is scheduled (Linux; elsewhere always `.normal`).
    public enum Priority: Sendable {
        case normal
        /// A positive nice value: a smaller, still guaranteed share of the CPU.
        case lowered(niceness: Int32)
        /// The idle scheduling class: CPU time no other thread wants, and nothing when the CPU is busy. Only for work
        /// that holds no lock another thread waits on.
        case idle
    }

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(name: String, priority: Priority = .normal) {
        let thread = Thread { [unowned self] in
            switch priority {
            case .normal: break
            case .lowered(let niceness): _ = pitcrew_lower_thread_priority(niceness)
            case .idle: _ = pitcrew_idle_thread_priority()
            }
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
