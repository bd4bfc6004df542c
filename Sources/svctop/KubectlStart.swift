import Foundation
import SvctopKubernetes

/// Starts the one `kubectl proxy` svctop talks to the cluster through (before the terminal is touched, so its
/// errors reach stderr), and reads the context's name and namespace.
enum KubectlStart {
    static func proxy(kubectl: String, kubeconfig: String?, context: String?) throws -> (KubeContext, KubectlProxy) {
        // `~/` as a shell would expand it (a config file's path is not seen by one).
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        let file = kubeconfig.map { $0.hasPrefix("~/") && !home.isEmpty ? home + $0.dropFirst() : $0 }
        let global = KubectlProxy.globalArguments(kubeconfig: file, context: context)
        do {
            let kube = try KubeContext.resolve(kubectl: kubectl, global: global, context: context)
            return (kube, try KubectlProxy.start(kubectl: kubectl, global: global))
        } catch {
            throw SetupError(description: "svctop k8s: \(error.description)")
        }
    }
}
