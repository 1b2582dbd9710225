import ArgumentParser

struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            The release's install script puts these in place; by hand:
              signalroom completion bash > /etc/bash_completion.d/signalroom
              signalroom completion zsh > "${fpath[1]}/_signalroom"
              signalroom completion fish > ~/.config/fish/completions/signalroom.fish
            """)

    @Argument(
        help: "bash, zsh or fish.",
        transform: { text in
            guard let shell = CompletionShell(rawValue: text) else {
                throw OptionValueError("shell \(text.debugDescription): not one of bash, zsh, fish")
            }
            return shell
        })
    var shell: CompletionShell

    func run() throws {
        print(SignalRoomCommand.completionScript(for: shell))
    }
}
