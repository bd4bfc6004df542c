import Foundation
import SvctopNetwork
import Testing

@Suite("thread nice: the network threads give way to the UI loop")
struct ThreadNiceTests {
    /// Runs `body` on a thread of its own (its nice value is the test's to change) and returns what it returns.
    private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    @Test("applied on a thread it raises that thread's nice value once, never lowers it, and stops at 19")
    func applyRaisesOnce() async {
        let (base, value, afterFirst, afterSecond, afterSmaller) = await onOwnThread {
            let base = ThreadNice.current()
            let nice = ThreadNice(increment: 3)
            nice.apply()
            let afterFirst = ThreadNice.current()
            nice.apply()
            let afterSecond = ThreadNice.current()
            ThreadNice(increment: -2).apply()
            return (base, nice.value, afterFirst, afterSecond, ThreadNice.current())
        }
        #expect(value == min(19, base + 3))
        #expect(afterFirst == value)
        #expect(afterSecond == value, "a second apply does not raise it again")
        #expect(afterSmaller == value, "a lower value is not applied")
        #expect(ThreadNice(increment: 100).value == 19)
        #expect(await onOwnThread { ThreadNice.current() } == base, "other threads keep their own value")
    }

    @Test("a transport made with a nice value sets it on every event loop it runs requests on")
    func transportLoops() async throws {
        // The loops are the process's shared ones: they stay one step nicer for the other tests of this run.
        let nice = ThreadNice(increment: 1)
        let plain = HTTPTransport()
        let before = try await loopValues(plain)
        await plain.shutdown()
        #expect(before.allSatisfy { $0 < nice.value }, "loops at \(before) before")
        let transport = HTTPTransport(threadNice: nice)
        let after = try await loopValues(transport)
        #expect(!after.isEmpty && after.allSatisfy { $0 >= nice.value }, "loops at \(after), \(nice.value) asked")
        #expect(transport.threadNice == nice)
        await transport.shutdown()
    }

    private func loopValues(_ transport: HTTPTransport) async throws -> [Int32] {
        var values: [Int32] = []
        for loop in transport.eventLoops { values.append(try await loop.submit { ThreadNice.current() }.get()) }
        return values
    }
}
