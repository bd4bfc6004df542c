import Foundation
import Testing
@testable import svctop
import SvctopCore

@Suite("setup: command line over config file over defaults")
struct SetupTests {
    @Test("a target's own auth and tls replace the defaults' credentials and add to their headers")
    func perTargetAccess() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("svctop-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        let ca = directory.appendingPathComponent("ca.pem").path
        try "fleet-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try "not checked here".write(toFile: ca, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("config.yaml").path
        try """
        auth:
          bearer_token_file: \(tokenFile)
          headers: { X-Team: sre }
        targets:
          - name: plain
            url: http://127.0.0.1:9000
          - name: special
            url: https://10.0.0.7:8443
            auth:
              basic_auth_env: SVCTOP_TEST_BASIC
              headers: { X-Tenant: blue }
            tls:
              ca_file: \(ca)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        setenv("SVCTOP_TEST_BASIC", "admin:pa55", 1)
        defer { unsetenv("SVCTOP_TEST_BASIC") }
        let options = try WatchOptions.parse(["--config", config])
        let setup = try Setup.make(targets: [], options: options)
        let defaults = setup.configuration.options
        #expect(defaults.bearerToken?.value == "fleet-token")
        #expect(defaults.headers == [.init("X-Team", "sre")])
        let targets = setup.configuration.targets
        try #require(targets.count == 2)
        #expect(targets[0].name == "plain" && targets[0].transport == nil)
        let special = try #require(targets[1].transport)
        #expect(special.bearerToken == nil, "the target's credentials replace the fleet's")
        #expect(special.basicAuth?.user == "admin" && special.basicAuth?.password.value == "pa55")
        #expect(special.headers == [.init("X-Team", "sre"), .init("X-Tenant", "blue")])
        #expect(special.caFile == ca)
        // Secrets never show in descriptions.
        #expect(!String(describing: special).contains("pa55"))
    }
}
