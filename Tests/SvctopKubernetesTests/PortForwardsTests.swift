import SvctopCore
import Testing

@testable import SvctopKubernetes

@Suite("port-forwards")
struct PortForwardsTests {
    @Test("kubectl's lines say which local port serves which pod port; all ports must be there")
    func forwardedPorts() {
        let output = """
            Forwarding from 127.0.0.1:41234 -> 9090
            Forwarding from 127.0.0.1:41235 -> 8080
            Handling connection for 41234

            """
        #expect(PortForwards.forwardedPorts(output, ports: [9090, 8080]) == [9090: 41234, 8080: 41235])
        #expect(PortForwards.forwardedPorts(output, ports: [9090]) == [9090: 41234])
        #expect(PortForwards.forwardedPorts("Forwarding from 127.0.0.1:41234 -> 9090\n", ports: [9090, 8080]) == nil)
        #expect(PortForwards.forwardedPorts("Forwarding from [::1]:41234 -> 9090\n", ports: [9090]) == [9090: 41234])
        #expect(
            PortForwards.forwardedPorts("error: unable to listen on any of the requested ports\n", ports: [1]) == nil)
    }

    @Test("the arguments: the cluster's, the pod, loopback only, free ports first and the same ones on a restart")
    func arguments() {
        let forwards = PortForwards(kubectl: "kubectl", global: ["--kubeconfig", "/k", "--context", "prod"])
        let pod = PodForward(namespace: "shop", pod: "api-1", ports: [9090, 8080])
        #expect(
            forwards.arguments(pod, local: [:]) == [
                "--kubeconfig", "/k", "--context", "prod", "port-forward", "--namespace", "shop", "--address",
                "127.0.0.1", "pod/api-1", ":9090", ":8080",
            ])
        #expect(forwards.arguments(pod, local: [9090: 41234, 8080: 41235]).suffix(2) == ["41234:9090", "41235:8080"])
    }

    @Test("backoff: 1 s, doubling, capped at 30 s")
    func backoff() {
        #expect((1...8).map(PortForwards.backoff) == [1, 2, 4, 8, 16, 30, 30, 30])
    }
}
