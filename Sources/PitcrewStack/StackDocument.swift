import PitcrewCore
import Yams

/// A stack file read into inputs, each with its path (`tools[2].contracts[0]`) and position for error messages.
struct StackDocument {
    struct ToolSpec {
        var name: String
        var input: ToolInput
        var contracts: [ContractSpec]
        var path: String
        var mark: Mark?
    }

    struct ContractSpec {
        var start: String
        var input: ContractInput
        var path: String
        var mark: Mark?
    }

    struct IntegrationSpec {
        var source: String
        var target: String
        var input: IntegrationInput
        var path: String
        var mark: Mark?
    }

    var tools: [ToolSpec] = []
    var integrations: [IntegrationSpec] = []
}

extension StackCode {
    static let toolKeys: Set<String> = [
        "name", "vendor", "website", "category", "subcategory", "status", "capabilities", "business_owner", "technical_owner", "teams", "notes",
        "playbook_links", "contracts",
    ]
    static let contractKeys: Set<String> = [
        "start_date", "end_date", "amount_minor", "currency", "billing_period", "seats", "auto_renew", "notice_days", "sla_uptime_percent", "notes",
    ]
    static let integrationKeys: Set<String> = ["source", "target", "direction", "objects", "cadence", "owner", "status", "notes"]

    /// Parses YAML; syntax errors and wrong shapes are `invalid` errors naming the line and column.
    static func parse(_ yaml: String) throws -> StackDocument {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw PitcrewError.invalid("yaml", "line \(mark.line), column \(mark.column): \(problem)")
            default:
                throw PitcrewError.invalid("yaml", "\(error)")
            }
        }
        var reader = NodeReader()
        guard let root, let top = root.mapping else {
            throw PitcrewError.invalid("yaml", "the file must be a mapping with `tools:` and `integrations:`")
        }
        reader.unknownKeys(top, allowed: ["tools", "integrations"], path: "")
        var document = StackDocument()
        for (index, node) in reader.sequence(top["tools"], path: "tools").enumerated() {
            let path = "tools[\(index)]"
            guard let map = reader.mapping(node, path: path) else { continue }
            reader.unknownKeys(map, allowed: toolKeys, path: path)
            var input = ToolInput()
            let name = reader.string(map, "name", path: path, required: true) ?? ""
            input.name = .set(name)
            input.vendor = reader.patch(map, "vendor", path: path)
            input.website = reader.patch(map, "website", path: path)
            input.category = .set(reader.string(map, "category", path: path, required: true) ?? "")
            input.subcategory = reader.patch(map, "subcategory", path: path)
            input.status = .set(reader.string(map, "status", path: path) ?? "active")
            input.capabilities = .set(reader.strings(map, "capabilities", path: path))
            input.businessOwner = reader.patch(map, "business_owner", path: path)
            input.technicalOwner = reader.patch(map, "technical_owner", path: path)
            input.teams = .set(reader.strings(map, "teams", path: path))
            input.notes = reader.patch(map, "notes", path: path)
            input.playbookLinks = .set(reader.strings(map, "playbook_links", path: path))
            var contracts: [StackDocument.ContractSpec] = []
            for (j, cnode) in reader.sequence(map["contracts"], path: path + ".contracts").enumerated() {
                let cpath = "\(path).contracts[\(j)]"
                guard let cmap = reader.mapping(cnode, path: cpath) else { continue }
                reader.unknownKeys(cmap, allowed: contractKeys, path: cpath)
                var c = ContractInput()
                let start = reader.string(cmap, "start_date", path: cpath, required: true) ?? ""
                c.startDate = .set(start)
                c.endDate = .set(reader.string(cmap, "end_date", path: cpath, required: true) ?? "")
                c.amountMinor = .set(reader.int(cmap, "amount_minor", path: cpath, required: true) ?? 0)
                c.currency = .set(reader.string(cmap, "currency", path: cpath) ?? "USD")
                c.billingPeriod = .set(reader.string(cmap, "billing_period", path: cpath) ?? "annual")
                c.seats = reader.int(cmap, "seats", path: cpath).map(PatchField.set) ?? .clear
                c.autoRenew = .set(reader.bool(cmap, "auto_renew", path: cpath) ?? false)
                c.noticeDays = .set(reader.int(cmap, "notice_days", path: cpath) ?? 0)
                c.slaUptimePercent = reader.patch(cmap, "sla_uptime_percent", path: cpath)
                c.notes = reader.patch(cmap, "notes", path: cpath)
                contracts.append(.init(start: start, input: c, path: cpath, mark: cnode.mark))
            }
            document.tools.append(.init(name: name, input: input, contracts: contracts, path: path, mark: node.mark))
        }
        for (index, node) in reader.sequence(top["integrations"], path: "integrations").enumerated() {
            let path = "integrations[\(index)]"
            guard let map = reader.mapping(node, path: path) else { continue }
            reader.unknownKeys(map, allowed: integrationKeys, path: path)
            var input = IntegrationInput()
            let source = reader.string(map, "source", path: path, required: true) ?? ""
            let target = reader.string(map, "target", path: path, required: true) ?? ""
            input.direction = .set(reader.string(map, "direction", path: path) ?? "one_way")
            input.objects = .set(reader.strings(map, "objects", path: path))
            input.cadence = .set(reader.string(map, "cadence", path: path) ?? "daily")
            input.owner = reader.patch(map, "owner", path: path)
            input.status = .set(reader.string(map, "status", path: path) ?? "active")
            input.notes = reader.patch(map, "notes", path: path)
            document.integrations.append(.init(source: source, target: target, input: input, path: path, mark: node.mark))
        }
        var names = Set<String>()
        for tool in document.tools where !names.insert(tool.name.lowercased()).inserted {
            reader.validator.add("\(tool.path).name\(NodeReader.position(tool.mark))", "\(tool.name) is listed twice")
        }
        try reader.validator.finish()
        return document
    }
}

/// Reads typed values from YAML nodes, collecting every problem with its line and column.
struct NodeReader {
    var validator = Validator()

    static func position(_ mark: Mark?) -> String { mark.map { " (line \($0.line), column \($0.column))" } ?? "" }

    mutating func unknownKeys(_ map: Node.Mapping, allowed: Set<String>, path: String) {
        for key in map.keys {
            guard let name = key.string, allowed.contains(name) else {
                validator.add((path.isEmpty ? "" : path + ".") + (key.string ?? "?") + Self.position(key.mark),
                              "is not a known field (allowed: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
        }
    }

    mutating func sequence(_ node: Node?, path: String) -> [Node] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.string == "" || scalar.string == "~" || scalar.string == "null" { return [] }
        guard let sequence = node.sequence else {
            validator.add(path + Self.position(node.mark), "must be a list")
            return []
        }
        return Array(sequence)
    }

    mutating func mapping(_ node: Node, path: String) -> Node.Mapping? {
        guard let map = node.mapping else {
            validator.add(path + Self.position(node.mark), "must be a mapping of fields")
            return nil
        }
        return map
    }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, ["", "~", "null"].contains(scalar.string) { return true }
        return false
    }

    mutating func string(_ map: Node.Mapping, _ key: String, path: String, required: Bool = false) -> String? {
        guard let node = map[key], !isNull(node) else {
            if required { validator.add("\(path).\(key)\(Self.position(map.mark))", "is required") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            validator.add("\(path).\(key)\(Self.position(node.mark))", "must be text")
            return nil
        }
        return scalar.string
    }

    mutating func patch(_ map: Node.Mapping, _ key: String, path: String) -> PatchField<String> {
        string(map, key, path: path).map(PatchField.set) ?? .clear
    }

    mutating func int(_ map: Node.Mapping, _ key: String, path: String, required: Bool = false) -> Int64? {
        guard let text = string(map, key, path: path, required: required) else { return nil }
        guard let value = Int64(text) else {
            validator.add("\(path).\(key)\(Self.position(map[key]?.mark))", "must be a whole number, not \(text)")
            return nil
        }
        return value
    }

    mutating func bool(_ map: Node.Mapping, _ key: String, path: String) -> Bool? {
        guard let text = string(map, key, path: path) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            validator.add("\(path).\(key)\(Self.position(map[key]?.mark))", "must be true or false")
            return nil
        }
    }

    mutating func strings(_ map: Node.Mapping, _ key: String, path: String) -> [String] {
        guard let node = map[key], !isNull(node) else { return [] }
        guard let sequence = node.sequence else {
            validator.add("\(path).\(key)\(Self.position(node.mark))", "must be a list")
            return []
        }
        return sequence.compactMap { item in
            guard case .scalar(let scalar) = item else {
                validator.add("\(path).\(key)\(Self.position(item.mark))", "must hold text items")
                return nil
            }
            return scalar.string
        }
    }
}
