import Foundation

/// The context and namespace kubectl would use (the current ones unless given), read with the user's kubectl so
/// that `KUBECONFIG`, `--kubeconfig` and `--context` mean exactly what they mean to kubectl.
public struct KubeContext: Sendable, Equatable {
    public var name: String
    public var namespace: String

    public static func resolve(
        kubectl: String = "kubectl", global: [String], context: String?
    ) throws(KubectlProxy.Failure)
        -> KubeContext
    {
        let name: String
        if let context {
            name = context
        } else {
            name = try run(kubectl, global + ["config", "current-context"])
        }
        let namespace = try run(
            kubectl, global + ["config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}"])
        return KubeContext(name: name, namespace: namespace.isEmpty ? "default" : namespace)
    }

    /// Runs kubectl to completion (a config read: local, quick) and returns its trimmed stdout.
    static func run(_ kubectl: String, _ arguments: [String]) throws(KubectlProxy.Failure) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [kubectl] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw KubectlProxy.Failure(description: "cannot run \(kubectl): \(error.localizedDescription)")
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let why = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw KubectlProxy.Failure(
                description:
                    "kubectl \(arguments.filter { !$0.hasPrefix("-") }.prefix(2).joined(separator: " ")) failed: "
                    + (why.isEmpty ? "exit \(process.terminationStatus)" : why))
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
