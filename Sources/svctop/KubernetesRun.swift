import ArgumentParser
import SvctopCore
import SvctopKubernetes

/// `svctop k8s`, ready to run: the kubectl proxy (started before the terminal is touched, so its errors reach
/// stderr), one watcher per selection, and the state the fleet starts from.
struct KubernetesRun: Sendable {
    var proxy: KubectlProxy
    var watchers: [PodWatcher]
    var state: KubernetesState
    /// One `kubectl port-forward` per pod (`--via port-forward`); nil through the pod proxy.
    var forwards: PortForwards?
}

extension PodTransport: ExpressibleByArgument {}
