/// One lexical piece of a date string: a run of ASCII digits, a run of
/// letters (lowercased, accents folded) or a single punctuation character.
/// White space only separates tokens.
enum DateToken: Equatable, Sendable {
    case number(String)
    case word(String)
    case mark(Character)

    /// Splits `text` into tokens.
    static func tokenize(_ text: String) -> [DateToken] {
        var tokens: [DateToken] = []
        var run = ""
        var runIsDigits = false
        func flush() {
            guard !run.isEmpty else { return }
            tokens.append(runIsDigits ? .number(run) : .word(TextFolding.foldAccents(run)))
            run = ""
        }
        for char in text {
            if char.isASCII, char.isNumber {
                if !runIsDigits { flush() }
                runIsDigits = true
                run.append(char)
            } else if char.isLetter {
                if runIsDigits { flush() }
                runIsDigits = false
                run.append(char)
            } else {
                flush()
                if !(char.isWhitespace || char.unicodeScalars.allSatisfy(TextFolding.isSpace)) {
                    tokens.append(.mark(char))
                }
            }
        }
        flush()
        return tokens
    }

    var number: String? {
        if case .number(let digits) = self { return digits }
        return nil
    }

    var word: String? {
        if case .word(let text) = self { return text }
        return nil
    }

    var mark: Character? {
        if case .mark(let char) = self { return char }
        return nil
    }
}
