import Foundation

/// The parts of the Kubernetes API's pod object (core/v1) svctop reads. Unknown fields are ignored; every field is
/// optional, because a pod in Pending has no status worth the name yet.
struct APIPod: Decodable, Sendable {
    struct Metadata: Decodable, Sendable {
        var name: String?
        var namespace: String?
        var uid: String?
        var resourceVersion: String?
        var deletionTimestamp: String?
        var annotations: [String: String]?
    }
    struct Spec: Decodable, Sendable {
        var nodeName: String?
        var containers: [Container]?
    }
    struct Container: Decodable, Sendable {
        var name: String
        var ports: [ContainerPort]?
        var resources: Resources?
        var livenessProbe: Probe?
        var readinessProbe: Probe?
    }
    struct ContainerPort: Decodable, Sendable {
        var name: String?
        var containerPort: Int
    }
    struct Resources: Decodable, Sendable {
        var limits: [String: String]?
    }
    struct Probe: Decodable, Sendable {
        var httpGet: HTTPGet?
    }
    struct HTTPGet: Decodable, Sendable {
        var path: String?
        var port: IntOrString?
        var scheme: String?
    }
    struct Status: Decodable, Sendable {
        var phase: String?
        var conditions: [Condition]?
        var containerStatuses: [ContainerStatus]?
    }
    struct Condition: Decodable, Sendable {
        var type: String
        var status: String
    }
    struct ContainerStatus: Decodable, Sendable {
        var name: String
        var restartCount: Int?
        var state: ContainerState?
        var lastState: ContainerState?
    }
    struct ContainerState: Decodable, Sendable {
        var terminated: Terminated?
    }
    struct Terminated: Decodable, Sendable {
        var reason: String?
        var exitCode: Int?
        var finishedAt: String?
    }

    var metadata: Metadata?
    var spec: Spec?
    var status: Status?
}

/// A port given as a number or as the name of a container port.
enum IntOrString: Decodable, Sendable, Equatable {
    case int(Int)
    case string(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else {
            self = .string(try c.decode(String.self))
        }
    }
}
