/// The YAML of the built-in themes. `themes/*.yaml` in the repository are the same texts (a test keeps them equal).
enum BuiltInThemes {
    static let dark = """
        # svctop theme: dark (the default). Colors: 0-255, a palette name, a basic name, or "default".
        name: dark
        palette:
          fg: 252
          muted: 244
          line: 240
          accent: 75
          good: 114
          warn: 214
          crit: 203
          dead: 196
          panel: 236
        roles:
          text: { fg: fg }
          dim: { fg: muted }
          border: { fg: line }
          title: { fg: accent, bold: true }
          header: { fg: fg, bold: true }
          selection: { fg: 231, bg: 24, bold: true }
          good: { fg: good }
          warning: { fg: warn, bold: true }
          critical: { fg: crit, bold: true }
          down: { fg: dead, bold: true, reverse: true }
          accent: { fg: accent }
          status_bar: { fg: 252, bg: panel }
          status_key: { fg: accent, bg: panel, bold: true }
          chart_low: { fg: 72 }
          chart_mid: { fg: 179 }
          chart_high: { fg: 167 }
          outlier: { fg: 213, bold: true }
          stale: { fg: muted, dim: true }
          dialog: { fg: 252, bg: 238 }
          dialog_title: { fg: 231, bg: 238, bold: true }
          highlight: { fg: 229, bold: true }
          match: { fg: 16, bg: 220 }
          app_frame: { fg: 229, bold: true }
          stdlib_frame: { fg: muted }

        """

    static let light = """
        # svctop theme: light, for terminals with a light background.
        name: light
        palette:
          fg: 235
          muted: 245
          accent: 25
          good: 28
          warn: 130
          crit: 160
          panel: 253
        roles:
          text: { fg: fg }
          dim: { fg: muted }
          border: { fg: 249 }
          title: { fg: accent, bold: true }
          header: { fg: fg, bold: true }
          selection: { fg: 16, bg: 153, bold: true }
          good: { fg: good }
          warning: { fg: warn, bold: true }
          critical: { fg: crit, bold: true }
          down: { fg: 231, bg: crit, bold: true }
          accent: { fg: accent }
          status_bar: { fg: fg, bg: panel }
          status_key: { fg: accent, bg: panel, bold: true }
          chart_low: { fg: 29 }
          chart_mid: { fg: 136 }
          chart_high: { fg: 124 }
          outlier: { fg: 127, bold: true }
          stale: { fg: muted }
          dialog: { fg: fg, bg: 254 }
          dialog_title: { fg: 16, bg: 254, bold: true }
          highlight: { fg: 16, bold: true, underline: true }
          match: { fg: 16, bg: 222 }
          app_frame: { fg: 16, bold: true }
          stdlib_frame: { fg: muted }

        """

    static let highContrast = """
        # svctop theme: high-contrast. Only the 16 basic colors, bold where it matters.
        name: high-contrast
        roles:
          text: { fg: bright-white }
          dim: { fg: white }
          border: { fg: bright-white }
          title: { fg: bright-yellow, bold: true }
          header: { fg: bright-white, bold: true, underline: true }
          selection: { fg: black, bg: bright-yellow, bold: true }
          good: { fg: bright-green, bold: true }
          warning: { fg: black, bg: bright-yellow, bold: true }
          critical: { fg: bright-white, bg: red, bold: true }
          down: { fg: bright-white, bg: red, bold: true, underline: true }
          accent: { fg: bright-cyan, bold: true }
          status_bar: { fg: black, bg: white }
          status_key: { fg: blue, bg: white, bold: true }
          chart_low: { fg: bright-green }
          chart_mid: { fg: bright-yellow }
          chart_high: { fg: bright-red }
          outlier: { fg: bright-magenta, bold: true, underline: true }
          stale: { fg: white, dim: true }
          dialog: { fg: black, bg: bright-white }
          dialog_title: { fg: black, bg: bright-white, bold: true, underline: true }
          highlight: { fg: bright-yellow, bold: true }
          match: { fg: black, bg: bright-cyan }
          app_frame: { fg: bright-yellow, bold: true }
          stdlib_frame: { fg: white }

        """

    static let monochrome = """
        # svctop theme: monochrome. No colors at all: attributes and symbols carry the meaning.
        # Used automatically when NO_COLOR is set or the terminal has no colors.
        name: monochrome
        roles:
          text: {}
          dim: { dim: true }
          border: {}
          title: { bold: true }
          header: { bold: true, underline: true }
          selection: { reverse: true }
          good: {}
          warning: { bold: true }
          critical: { bold: true, underline: true }
          down: { reverse: true, bold: true }
          accent: { bold: true }
          status_bar: { reverse: true }
          status_key: { reverse: true, bold: true }
          chart_low: {}
          chart_mid: {}
          chart_high: { bold: true }
          outlier: { bold: true, underline: true }
          stale: { dim: true }
          dialog: { reverse: true }
          dialog_title: { reverse: true, bold: true }
          highlight: { bold: true }
          match: { reverse: true, underline: true }
          app_frame: { bold: true }
          stdlib_frame: { dim: true }

        """
}
