#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader's bytes come from: an open file or an in-memory upload.
///
/// A class so the file descriptor is closed exactly once, when the last reader copy goes away.
protocol ByteSource: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer`; returns 0 at the end of the data.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int
}

/// The system error text of a failed `open`/`read`.
struct SourceReadError: Error {
    var message: String
}

/// Reads a file with `open(2)`/`read(2)`, never mapping or loading it whole.
final class FileByteSource: ByteSource {
    private let descriptor: Int32

    init(path: String) throws(SourceReadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SourceReadError(message: String(cString: strerror(errno))) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
            let count = Darwin.read(descriptor, base, buffer.count)
            #elseif canImport(Glibc)
            let count = Glibc.read(descriptor, base, buffer.count)
            #else
            let count = Musl.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw SourceReadError(message: String(cString: strerror(errno)))
        }
    }
}

/// Serves an in-memory byte array (uploads, tests) through the same chunked path as files.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + count)]))
        }
        position += count
        return count
    }
}
