/// Maps channel names given as raw bytes to builder channel ids without creating a `String` per touch.
///
/// A path file names the same few channels millions of times; only the first sighting of a name pays for a `String`.
/// A slot holds the first and last eight bytes of its name and the length, which for names of up to 16 bytes (nearly
/// all channel names) is the whole name: a lookup is two loads, a hash and one comparison of three words. Longer names
/// are compared in full with their stored bytes too.
struct ByteInterner: Sendable {
    private struct Slot: Sendable {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var count = -1
        var entry: Int32 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 256)
    private var starts: [Int] = [0]
    private var bytes: [UInt8] = []
    private var ids: [Int32] = []

    /// The first and the last eight bytes of `name` (zero-padded below eight bytes).
    @inline(__always)
    private static func words(_ name: UnsafeBufferPointer<UInt8>) -> (first: UInt64, last: UInt64) {
        let count = name.count
        if count >= 8 {
            let raw = UnsafeRawBufferPointer(name)
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        }
        var word: UInt64 = 0
        for i in 0..<count { word |= UInt64(name[i]) << UInt64(8 * i) }
        return (word, 0)
    }

    @inline(__always)
    private static func slot(_ words: (first: UInt64, last: UInt64), _ count: Int, _ mask: Int) -> Int {
        var h = (words.first ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ words.last) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h ^ (h >> 32)) & mask
    }

    /// The id registered for `name`, if any.
    @inline(__always)
    func lookup(_ name: UnsafeBufferPointer<UInt8>) -> Int32? {
        let words = Self.words(name)
        let count = name.count
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.slot(words, count, mask)
            while true {
                let slot = slots[index]
                if slot.count < 0 { return nil }
                if slot.count == count && slot.first == words.first && slot.last == words.last
                    && (count <= 16 || equals(slot.entry, name))
                {
                    return ids[Int(slot.entry)]
                }
                index = (index + 1) & mask
            }
        }
    }

    mutating func insert(_ name: UnsafeBufferPointer<UInt8>, id: Int32) {
        bytes.append(contentsOf: name)
        starts.append(bytes.count)
        ids.append(id)
        if ids.count * 2 > slots.count {
            slots = [Slot](repeating: Slot(), count: slots.count * 2)
            for entry in ids.indices { place(entry) }
        } else {
            place(ids.count - 1)
        }
    }

    private mutating func place(_ entry: Int) {
        bytes.withUnsafeBufferPointer { bytes in
            let name = UnsafeBufferPointer(rebasing: bytes[starts[entry]..<starts[entry + 1]])
            let words = Self.words(name)
            let mask = slots.count - 1
            var index = Self.slot(words, name.count, mask)
            while slots[index].count >= 0 { index = (index + 1) & mask }
            slots[index] = Slot(first: words.first, last: words.last, count: name.count, entry: Int32(entry))
        }
    }

    private func equals(_ entry: Int32, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[Int(entry)]
        guard starts[Int(entry) + 1] - start == name.count else { return false }
        return name.isEmpty || bytes.withUnsafeBytes { memoryEqual($0.baseAddress! + start, name.baseAddress!, name.count) }
    }
}
