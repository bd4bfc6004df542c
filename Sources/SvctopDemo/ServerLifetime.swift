import Logging
import ServiceLifecycle

/// Runs HTTP servers (Hummingbird applications) and stops them the way SwiftNIO asks servers to be stopped.
///
/// Cancelling a server's task while it holds a connection it has accepted but not yet served traps in NIO
/// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481): the accepted channel is dropped before
/// anything closes it. A graceful shutdown closes the listener first, serves what was already accepted and closes
/// idle keep-alive connections. Each server gets a service group of its own, so that all of them shut down at once
/// rather than one after another. A handler that never ends (a route that hangs on purpose) would hold a graceful
/// shutdown forever, so after a grace period the rest is cancelled; by then every listener is closed and every
/// accepted connection is owned by a handler, which closes it when cancelled.
public final class ServerLifetime: Sendable {
    private let groups: [ServiceGroup]
    private let task: Task<Void, Never>

    /// Starts `services`; `name` labels them in the service groups' own logs.
    public init(_ services: [any Service], name: String, logger: Logger) {
        let groups = services.map { service in
            ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: service, serviceName: name)], logger: logger))
        }
        self.groups = groups
        task = Task {
            await withDiscardingTaskGroup { running in
                for group in groups { running.addTask { try? await group.run() } }
            }
        }
    }

    /// Shuts every server down gracefully and returns when all have stopped, or cancels what is left after `grace`.
    public func stop(grace: Duration = .seconds(2)) async {
        await withDiscardingTaskGroup { shutdown in
            for group in groups { shutdown.addTask { await group.triggerGracefulShutdown() } }
        }
        let task = self.task
        await withTaskGroup(of: Bool.self) { waiting in
            waiting.addTask {
                await task.value
                return true
            }
            waiting.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            if await waiting.next() == false { task.cancel() }
            waiting.cancelAll()
        }
    }
}
