/// Maps channel names given as raw bytes to builder channel ids without creating a `String` per touch.
///
/// A path file names the same few channels millions of times; only the first sighting of a name pays for a `String`.
struct ByteInterner: Sendable {
    private var slots: [Int32] = Array(repeating: -1, count: 256)
    private var hashes: [UInt64] = []
    private var starts: [Int] = [0]
    private var bytes: [UInt8] = []
    private var ids: [Int32] = []

    /// FNV-1a, split into steps so the parser can hash while it scans for the end of a token.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325

    @inline(__always)
    static func step(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 { h ^ (h >> 31) }

    static func hash(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = seed
        for byte in name { h = step(h, byte) }
        return finish(h)
    }

    /// The id registered for `name`, if any.
    @inline(__always)
    func lookup(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            if hashes[entry] == h && equals(entry, name) { return ids[entry] }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64, id: Int32) {
        let entry = hashes.count
        hashes.append(h)
        bytes.append(contentsOf: name)
        starts.append(bytes.count)
        ids.append(id)
        if hashes.count * 2 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            for e in 0..<hashes.count { place(e) }
        } else {
            place(entry)
        }
    }

    private mutating func place(_ entry: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    @inline(__always)
    private func equals(_ entry: Int, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry]
        guard starts[entry + 1] - start == name.count else { return false }
        for i in 0..<name.count where bytes[start + i] != name[i] { return false }
        return true
    }
}
