extension ImportMapping {
    /// Proposes a mapping for a file header.
    ///
    /// 1. If the header matches a known export (``ImportPreset/all``) of the given kind (any
    ///    kind when `kind` is nil), its column mapping and defaults are used.
    /// 2. Remaining columns are matched with generic synonyms of the kind's fields
    ///    ("E-mail", "Email Address", "email_address" → email).
    /// 3. Anything else is kept as `traits.NAME` for contacts and ignored for other kinds.
    ///
    /// Without a kind and preset, the kind whose fields the header covers best wins (required
    /// fields weigh more). A money column headed like "Amount spent (USD)" sets the default
    /// currency when the mapping has none. Headers compare case- and punctuation-insensitively.
    public static func detect(kind: ImportKind?, header: [String]) -> DetectedMapping {
        let names = header.map { $0.trimmingWhitespace() }
        let keys = names.map(HeaderName.key)

        let preset = ImportPreset.all
            .filter { (kind == nil || $0.kind == kind) && $0.matches(keys: keys) }
            .max { lhs, rhs in score(lhs, keys) < score(rhs, keys) }
        let chosenKind = kind ?? preset?.kind ?? detectKind(names)

        var mapping = ImportMapping(kind: chosenKind, channel: preset?.channel, source: preset?.source)
        var targets = [String?](repeating: nil, count: names.count)
        var owner: [String: Int] = [:]
        var notes = [ColumnNote?](repeating: nil, count: names.count)

        // Empty and repeated header names cannot be addressed by name in a mapping.
        var seenNames = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty {
                notes[index] = ColumnNote(index: index, header: name, outcome: .ignored(reason: "the column has no name"))
            } else if !seenNames.insert(name).inserted {
                notes[index] = ColumnNote(index: index, header: name, outcome: .ignored(reason: "duplicate column name; only the first \"\(name)\" is used"))
            }
        }
        func assign(_ index: Int, _ target: String) {
            targets[index] = target
            if !target.hasPrefix(ImportKind.traitPrefix) { owner[target] = index }
        }

        // 1. Preset columns, in the preset's order of preference.
        if let preset {
            for (pattern, target) in preset.columns {
                for index in names.indices where notes[index] == nil && targets[index] == nil
                    && ImportPreset.matches(pattern, keys[index]) {
                    if target.hasPrefix(ImportKind.traitPrefix) || owner[target] == nil {
                        assign(index, target)
                    }
                }
            }
        }
        // 2. Generic synonyms, in file order.
        for index in names.indices where notes[index] == nil && targets[index] == nil {
            if let field = FieldSynonyms.field(for: names[index], kind: chosenKind), owner[field] == nil {
                assign(index, field)
            }
        }
        // 3. Currency from a money header's parenthesis, e.g. "Amount spent (USD)".
        for index in names.indices {
            guard let target = targets[index], chosenKind.field(named: target)?.type == .money,
                  let note = HeaderName.splitParenthetical(names[index]).note, isCurrencyCode(note),
                  mapping.currency == nil else { continue }
            mapping.currency = note.uppercased()
        }
        // 4. Everything else: a trait (contacts) or ignored; notes for all.
        for index in names.indices {
            let name = names[index]
            if notes[index] != nil { continue }
            if let target = targets[index] {
                mapping.columns[name] = target
                if target.hasPrefix(ImportKind.traitPrefix) {
                    notes[index] = ColumnNote(index: index, header: name, outcome: .keptAsTrait(name: String(target.dropFirst(ImportKind.traitPrefix.count))))
                } else {
                    notes[index] = ColumnNote(index: index, header: name, outcome: .mapped(field: target))
                }
                continue
            }
            let meant = FieldSynonyms.field(for: name, kind: chosenKind)
            let trait = HeaderName.traitName(name)
            if chosenKind.keepsTraits && !trait.isEmpty {
                mapping.columns[name] = ImportKind.traitPrefix + trait
                notes[index] = ColumnNote(index: index, header: name, outcome: .keptAsTrait(name: trait))
            } else {
                mapping.columns[name] = ""
                let reason: String
                if let meant, let first = owner[meant] {
                    reason = "field \(meant) is already mapped from column \"\(names[first])\""
                } else {
                    reason = "not a field of \(chosenKind)"
                }
                notes[index] = ColumnNote(index: index, header: name, outcome: .ignored(reason: reason))
            }
        }

        return DetectedMapping(
            mapping: mapping,
            preset: preset,
            kindWasDetected: kind == nil,
            notes: notes.enumerated().map { $0.element ?? ColumnNote(index: $0.offset, header: names[$0.offset], outcome: .ignored(reason: "")) },
            missingRequired: mapping.missingRequired(mappedFields: Set(owner.keys))
        )
    }

    /// Required fields and one-of groups that neither a mapped column nor a default provides.
    func missingRequired(mappedFields: Set<String>) -> [String] {
        var missing: [String] = []
        for field in kind.fields where field.required && !mappedFields.contains(field.name) && defaultValue(for: field.name) == nil {
            missing.append(field.name)
        }
        for group in kind.requiredAlternatives where !group.contains(where: mappedFields.contains) {
            missing.append(group.joined(separator: " or "))
        }
        return missing
    }

    /// The mapping-level default for a field (currency, channel, source), if set.
    public func defaultValue(for field: String) -> String? {
        let value: String?
        switch field {
        case "currency": value = currency
        case "channel": value = channel
        case "source": value = source
        default: value = nil
        }
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// How many of the preset's column patterns the header has (more = more specific).
    private static func score(_ preset: ImportPreset, _ keys: [String]) -> Int {
        preset.columns.filter { pattern in keys.contains { ImportPreset.matches(pattern.header, $0) } }.count
    }

    /// A known export of another kind than `kind` that this header is (a HubSpot contacts export given as accounts),
    /// when no export of `kind` matches it.
    public static func exportOfAnotherKind(than kind: ImportKind, header: [String]) -> ImportPreset? {
        let keys = header.map { HeaderName.key($0.trimmingWhitespace()) }
        guard !ImportPreset.all.contains(where: { $0.kind == kind && $0.matches(keys: keys) }) else { return nil }
        return ImportPreset.all.filter { $0.kind != kind && $0.matches(keys: keys) }.max { score($0, keys) < score($1, keys) }
    }

    /// The kind whose fields the header covers best; required fields (and one-of groups)
    /// count three times. Ties go to the earlier kind in ``ImportKind/allCases``.
    static func detectKind(_ header: [String]) -> ImportKind {
        var best = ImportKind.contacts
        var bestScore = 0
        for kind in ImportKind.allCases {
            var matched = Set<String>()
            for name in header {
                if let field = FieldSynonyms.field(for: name, kind: kind) { matched.insert(field) }
            }
            let alternatives = Set(kind.requiredAlternatives.joined())
            var score = 0
            for field in kind.fields where matched.contains(field.name) {
                score += (field.required || alternatives.contains(field.name)) ? 3 : 1
            }
            if score > bestScore {
                best = kind
                bestScore = score
            }
        }
        return best
    }
}
