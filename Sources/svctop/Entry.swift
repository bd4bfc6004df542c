import ArgumentParser

/// Dispatches `svctop demo|journal|prom|k8s|replay|bundle ...`; everything else is the dashboard command. (A root
/// command with positional targets would take a subcommand's name as a target.)
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "demo": await DemoCommand.main(Array(arguments.dropFirst()))
        case "journal": await JournalCommand.main(Array(arguments.dropFirst()))
        case "prom": await PromCommand.main(Array(arguments.dropFirst()))
        case "k8s": await KubernetesCommand.main(Array(arguments.dropFirst()))
        case "replay": await ReplayCommand.main(Array(arguments.dropFirst()))
        case "bundle": await BundleCommand.main(Array(arguments.dropFirst()))
        default: await Svctop.main(arguments)
        }
    }
}
