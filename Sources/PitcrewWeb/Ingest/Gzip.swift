import CPitcrew
import Foundation
import PitcrewCore

/// `Content-Encoding: gzip` request bodies (RudderStack's SDKs compress by default; Segment's can).
enum Gzip {
    /// The inflated bytes; at most `limit` of them (a small compressed body must not expand without bound).
    static func decompress(_ bytes: [UInt8], limit: Int, field: String) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = bytes.withUnsafeBufferPointer { buffer in pitcrew_gunzip(buffer.baseAddress, buffer.count, limit, &output, &length) }
        defer { free(output) }
        switch rc {
        case 0: return Array(UnsafeBufferPointer(start: output, count: length))
        case -2: throw PitcrewError.invalid(field, "The request is larger than \(limit / 1024) KB once decompressed, the limit.")
        default: throw PitcrewError.invalid("Content-Encoding", "The body is not valid gzip data.")
        }
    }
}
