import ArgumentParser

/// Dispatches `svctop demo ...`, `svctop journal ...` and `svctop prom ...`; everything else is the dashboard command. (A root
/// command with positional targets would take a subcommand's name as a target.)
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "demo": await DemoCommand.main(Array(arguments.dropFirst()))
        case "journal": await JournalCommand.main(Array(arguments.dropFirst()))
        case "prom": await PromCommand.main(Array(arguments.dropFirst()))
        default: await Svctop.main(arguments)
        }
    }
}
