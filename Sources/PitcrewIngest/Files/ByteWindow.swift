/// A sliding window over a ``ByteSource``: the unparsed tail of the data plus room to read more.
///
/// Readers parse records straight out of `buffer[start..<end]`. When a record runs past
/// `end`, they call ``refill()`` which moves the unparsed bytes to the front and reads one
/// more chunk, growing the buffer only when one record is larger than it. Memory is
/// therefore bounded by max(chunk size, longest record), never by the file size.
struct ByteWindow {
    private let source: any ByteSource
    private let chunkSize: Int
    /// Largest record (in bytes) the window will grow to hold.
    let maxRecordBytes: Int

    var buffer: [UInt8]
    /// First unconsumed byte.
    var start = 0
    /// One past the last valid byte.
    var end = 0
    /// True once the source has returned 0.
    private(set) var atEOF = false
    /// File offset of `buffer[0]`, for error messages that quote byte offsets.
    private(set) var bufferFileOffset = 0

    init(source: any ByteSource, chunkSize: Int, maxRecordBytes: Int) {
        self.source = source
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
        buffer = [UInt8](repeating: 0, count: self.chunkSize)
    }

    /// Bytes available and not yet consumed.
    var available: Int { end - start }

    /// Reads one more chunk after the unconsumed bytes. Returns false at the end of the data.
    /// Throws `.tooLong` when the unconsumed bytes already reach `maxRecordBytes`.
    mutating func refill() throws(WindowError) -> Bool {
        if atEOF { return false }
        if available >= maxRecordBytes { throw .tooLong }
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    (base).copyMemory(from: base + start, byteCount: count)
                }
            }
            bufferFileOffset += start
            start = 0
            end = count
        }
        if end == buffer.count {
            // One record fills the whole buffer: double it (bounded by maxRecordBytes above).
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let want = min(chunkSize, buffer.count - end)
        let writeAt = end
        let source = self.source
        let result = buffer.withUnsafeMutableBytes { raw -> Result<Int, SourceReadError> in
            Result { () throws(SourceReadError) -> Int in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[writeAt..<(writeAt + want)]))
            }
        }
        let got: Int
        switch result {
        case let .success(count): got = count
        case let .failure(error): throw .io(error.message)
        }
        if got == 0 {
            atEOF = true
            return false
        }
        end += got
        return true
    }
}

/// Failures of ``ByteWindow/refill()``; readers turn them into their own error types with a row.
enum WindowError: Error {
    case tooLong
    case io(String)
}
