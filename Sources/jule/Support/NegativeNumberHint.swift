/// ArgumentParser reads `-1` as an option, so `jule sweep cell DIR -1` or `--clusters -3` end in "Missing expected
/// argument '<index>'" or "Missing value for '--clusters <clusters>'", which does not say what went wrong. When such
/// a message meets a negative number among the arguments, this adds why.
enum NegativeNumberHint {
    static func adding(to message: String, arguments: [String]) -> String {
        guard message.hasPrefix("Missing expected argument") || message.hasPrefix("Missing value for"),
              let number = arguments.first(where: isNegativeNumber) else { return message }
        return message + " (\(number) is read as an option, not as a number: no count or index here is negative)"
    }

    static func isNegativeNumber(_ argument: String) -> Bool {
        argument.count > 1 && argument.hasPrefix("-") && Double(argument.dropFirst()) != nil
    }
}
