import Foundation
import SvctopTestSupport
import Testing
@testable import SvctopRender

@Suite("themes")
struct ThemeTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test(
        "the shipped theme files are the built-in themes", arguments: ["dark", "light", "high-contrast", "monochrome"])
    func shipped(name: String) throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("themes/\(name).yaml"), encoding: .utf8)
        let fromFile = try Theme.decode(yaml: text, file: "\(name).yaml")
        #expect(fromFile == Theme.builtIn(name))
        #expect(fromFile.styles.count == Role.allCases.count, "every role is styled")
    }

    @Test("a role's style is found by its position, and follows a change of the theme's styles")
    func stylesByPosition() throws {
        #expect(Role.allCases.map(\.position) == Array(Role.allCases.indices))
        var theme = try #require(Theme.builtIn("dark"))
        for role in Role.allCases { #expect(theme.style(role) == theme.styles[role], "\(role)") }
        let bold = Style(.terminalDefault, .terminalDefault, [.bold])
        theme.styles[.outlier] = bold
        theme.styles[.dim] = nil
        #expect(theme.style(.outlier) == bold)
        #expect(theme.style(.dim) == .plain)
        #expect(theme.style(.text) == Theme.builtIn("dark")?.style(.text))
    }

    @Test("monochrome uses no colors")
    func monochrome() {
        #expect(
            Theme.monochrome.styles.values.allSatisfy {
                $0.foreground == .terminalDefault && $0.background == .terminalDefault
            })
    }

    @Test(
        "invalid themes name the file, line and role",
        arguments: [
            ("roles:\n  title: { fg: 999 }\n", 2, "role 'title': invalid color '999'"),
            ("roles:\n  text: {}\n  nosuchrole: { bold: true }\n", 3, "unknown role 'nosuchrole'"),
            ("roles:\n  text: { bold: maybe }\n", 2, "'bold' must be true or false"),
            ("name: x\ncolours: {}\n", 2, "unknown key 'colours'"),
            ("roles: [\n", 2, "invalid YAML"),
        ])
    func invalid(yaml: String, line: Int, message: String) {
        do {
            _ = try Theme.decode(yaml: yaml, file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("palette names and basic colors resolve")
    func palette() throws {
        let theme = try Theme.decode(
            yaml: "palette:\n  brand: 33\nroles:\n  title: { fg: brand, bg: bright-black, bold: true }\n", file: "t")
        #expect(theme.style(.title) == Style(.indexed(33), .indexed(8), [.bold]))
    }

    @Test("theme decoding never crashes on mutated input")
    func fuzz() {
        let source = Array(Theme.builtInSources["dark"]!.utf8)
        var random = SeededRandom.forFuzzing("theme")
        for _ in 0..<300 {
            var bytes = source
            for _ in 0..<4 {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0x20...0x7e, using: &random)
            }
            do {
                _ = try Theme.decode(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz")
            } catch {
                // A rejected theme names the file it came from.
                #expect("\(error)".contains("fuzz"), "\(random.label): \(error)")
            }
        }
    }
}
