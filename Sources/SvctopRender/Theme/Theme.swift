import Yams

/// A named mapping from roles to styles.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style] {
        didSet { byPosition = Self.byPosition(styles) }
    }
    /// The styles by role position: a frame looks a style up for every cell it draws, and hashing the role was
    /// about 5 % of drawing the fleet.
    private var byPosition: [Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
        byPosition = Self.byPosition(styles)
    }

    public func style(_ role: Role) -> Style { byPosition[role.position] }

    private static func byPosition(_ styles: [Role: Style]) -> [Style] {
        Role.allCases.map { styles[$0] ?? .plain }
    }

    /// The same theme for a terminal with `colors` colors (8, 16 or 256).
    public func degraded(toColors colors: Int) -> Theme {
        Theme(
            name: name,
            styles: styles.mapValues {
                Style($0.foreground.degraded(toColors: colors), $0.background.degraded(toColors: colors), $0.attributes)
            })
    }

    /// The built-in themes, by name. Their YAML sources are also shipped as `themes/NAME.yaml`.
    public static let builtInSources: [String: String] = [
        "dark": BuiltInThemes.dark, "light": BuiltInThemes.light,
        "high-contrast": BuiltInThemes.highContrast, "monochrome": BuiltInThemes.monochrome,
    ]

    /// A built-in theme by name.
    public static func builtIn(_ name: String) -> Theme? {
        guard let source = builtInSources[name] else { return nil }
        return try? decode(yaml: source, file: "<built-in \(name)>")
    }

    /// The default theme.
    public static var dark: Theme { builtIn("dark")! }
    /// The theme used when colors are off (`NO_COLOR`, or a terminal without colors).
    public static var monochrome: Theme { builtIn("monochrome")! }

    // MARK: - Decoding

    /// Decodes a theme from YAML:
    ///
    /// ```yaml
    /// name: mine
    /// palette: { fg: 252, accent: 39 }         # optional names for colors
    /// roles:
    ///   title: { fg: accent, bold: true }       # fg/bg: palette name, 0-255, basic name or "default"
    /// ```
    /// Roles not listed fall back to the plain style. Unknown keys, roles and colors are errors.
    ///
    /// - Throws: `ThemeError` naming the file, line and role.
    public static func decode(yaml: String, file: String) throws(ThemeError) -> Theme {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ThemeError(file: file, line: 1, message: "the theme is empty")
            }
            root = node
        } catch let error as ThemeError {
            throw error
        } catch let error as YamlError {
            throw ThemeError(
                file: file, line: ThemeError.line(of: error), message: "invalid YAML: \(ThemeError.describe(error))")
        } catch {
            throw ThemeError(file: file, line: 1, message: "invalid YAML: \(error)")
        }
        guard let top = root.mapping else {
            throw ThemeError(file: file, line: line(root), message: "a theme must be a mapping with 'roles'")
        }
        var name = file
        var palette: [String: Color] = [:]
        var styles: [Role: Style] = [:]
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "name":
                guard let s = value.string else {
                    throw ThemeError(file: file, line: line(value), message: "'name' must be a string")
                }
                name = s
            case "description":
                continue
            case "palette":
                guard let entries = value.mapping else {
                    throw ThemeError(
                        file: file, line: line(value), message: "'palette' must be a mapping of names to colors")
                }
                for (k, v) in entries {
                    let colorName = k.string ?? ""
                    guard let color = parseColor(v, palette: palette) else {
                        throw ThemeError(
                            file: file, line: line(v),
                            message: "palette '\(colorName)': invalid color '\(v.string ?? "?")'")
                    }
                    palette[colorName] = color
                }
            case "roles":
                guard let entries = value.mapping else {
                    throw ThemeError(
                        file: file, line: line(value), message: "'roles' must be a mapping of roles to styles")
                }
                for (k, v) in entries {
                    let roleName = k.string ?? ""
                    guard let role = Role(rawValue: roleName) else {
                        let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ThemeError(
                            file: file, line: line(k), message: "unknown role '\(roleName)' (roles: \(known))")
                    }
                    styles[role] = try parseStyle(v, role: roleName, palette: palette, file: file)
                }
            default:
                throw ThemeError(
                    file: file, line: line(keyNode),
                    message: "unknown key '\(key)' (expected name, description, palette, roles)")
            }
        }
        guard !styles.isEmpty else { throw ThemeError(file: file, line: 1, message: "the theme has no 'roles'") }
        return Theme(name: name, styles: styles)
    }

    static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    static func parseStyle(
        _ node: Node, role: String, palette: [String: Color], file: String
    ) throws(ThemeError) -> Style {
        guard let entries = node.mapping else {
            throw ThemeError(
                file: file, line: line(node), message: "role '\(role)': expected a mapping like { fg: red, bold: true }"
            )
        }
        var style = Style()
        for (k, v) in entries {
            let key = k.string ?? ""
            switch key {
            case "fg", "bg":
                guard let color = parseColor(v, palette: palette) else {
                    throw ThemeError(
                        file: file, line: line(v),
                        message: "role '\(role)': invalid color '\(v.string ?? "?")' for \(key)")
                }
                if key == "fg" { style.foreground = color } else { style.background = color }
            case "bold", "dim", "reverse", "underline":
                guard let flag = v.bool else {
                    throw ThemeError(
                        file: file, line: line(v), message: "role '\(role)': '\(key)' must be true or false")
                }
                let attribute: Attributes =
                    key == "bold" ? .bold : key == "dim" ? .dim : key == "reverse" ? .reverse : .underline
                if flag { style.attributes.insert(attribute) }
            default:
                throw ThemeError(
                    file: file, line: line(k),
                    message: "role '\(role)': unknown key '\(key)' (fg, bg, bold, dim, reverse, underline)")
            }
        }
        return style
    }

    static let basicColors: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func parseColor(_ node: Node, palette: [String: Color]) -> Color? {
        guard let text = node.string?.lowercased() else { return nil }
        if text == "default" || text == "none" { return .terminalDefault }
        if let n = Int(text) { return (0...255).contains(n) ? .indexed(UInt8(n)) : nil }
        if let p = palette[text] { return p }
        if let b = basicColors[text] { return .indexed(b) }
        return nil
    }
}

/// A theme that could not be loaded, with where.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }

    static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 1
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}
