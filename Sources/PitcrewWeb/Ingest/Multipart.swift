import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PitcrewCore

/// A `multipart/form-data` body (RFC 7578) of text fields and at most one file, the file part streamed to disk as it
/// arrives (never the whole upload in memory).
///
/// Strict on purpose: the body must start with its boundary and end with the close delimiter; every part needs
/// `Content-Disposition: form-data; name="…"`; part headers are UTF-8 and at most 8 KiB, text fields at most 64 KiB;
/// one file, in the expected field only. Anything else is refused with `PitcrewError.invalid("file", …)`.
struct MultipartForm: Sendable {
    struct File: Sendable {
        var field: String
        /// The name the browser sent (untrusted: sanitize before using it as a path).
        var fileName: String
        var path: String
        var size: Int
    }

    /// Text fields; the last value wins for a repeated name.
    var fields: [String: String] = [:]
    var file: File?

    static let maximumHeaderBytes = 8 << 10
    static let maximumFieldBytes = 64 << 10
    static let maximumParts = 200

    static func malformed(_ reason: String) -> PitcrewError { PitcrewError.invalid("file", reason) }

    /// `--boundary`, from `Content-Type: multipart/form-data; boundary=…` (RFC 2046 §5.1.1: 1–70 characters).
    static func dashBoundary(contentType: String?) throws -> [UInt8] {
        let parts = (contentType ?? "").split(separator: ";", omittingEmptySubsequences: false)
        guard parts.first?.trimmingCharacters(in: .whitespaces).lowercased() == "multipart/form-data" else {
            throw malformed("The form must be sent as multipart/form-data.")
        }
        var boundary: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            guard boundary == nil else { throw malformed("The multipart Content-Type names two boundaries.") }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            boundary = value
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ".utf8)
        guard let boundary, (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy(allowed.contains), !boundary.hasSuffix(" ") else {
            throw malformed("The multipart boundary is missing or invalid.")
        }
        return Array(("--" + boundary).utf8)
    }

    /// Reads the request body. `openFile` is called when the file part starts, with the text fields read so far and the
    /// file name sent; it returns the path to write to, or throws to refuse the upload before any byte of it is stored
    /// (the CSRF check). On any error the file written so far is removed.
    static func read(
        _ request: Request, fileField: String, maximumFileBytes: Int = ImportController.maximumUploadBytes,
        openFile: ([String: String], String) throws -> String
    ) async throws -> MultipartForm {
        var parser = MultipartParser(
            dashBoundary: try dashBoundary(contentType: request.headers[.contentType]), fileField: fileField, maximumFileBytes: maximumFileBytes)
        do {
            for try await buffer in request.body {
                try parser.feed(buffer.readableBytesView, openFile: openFile)
            }
            try parser.finish(openFile: openFile)
        } catch {
            parser.abandon()
            throw error
        }
        return parser.form
    }
}

/// The push parser behind ``MultipartForm``: feed it the body in chunks of any size.
struct MultipartParser {
    enum State { case start, afterDelimiter, headers, body, done }
    enum Part { case text(name: String), file, discard }

    let dashBoundary: [UInt8]
    /// CRLF + `--boundary`: what ends a part's body.
    let delimiter: [UInt8]
    let fileField: String
    let maximumFileBytes: Int
    private(set) var form = MultipartForm()
    private(set) var state = State.start
    private var buffer: [UInt8] = []
    private var part: Part?
    private var parts = 0
    private var total = 0
    private var text: [UInt8] = []
    private var discarded = 0
    private var handle: FileHandle?
    private var filePath: String?
    private var fileName = ""
    private var fileSize = 0

    init(dashBoundary: [UInt8], fileField: String, maximumFileBytes: Int) {
        self.dashBoundary = dashBoundary
        self.delimiter = [13, 10] + dashBoundary
        self.fileField = fileField
        self.maximumFileBytes = maximumFileBytes
    }

    private static func malformed(_ reason: String) -> PitcrewError { MultipartForm.malformed(reason) }

    mutating func feed(_ bytes: some Collection<UInt8>, openFile: ([String: String], String) throws -> String) throws {
        total += bytes.count
        // The file cap is checked per part; this bounds a preamble-free body's epilogue and headers as well.
        guard total <= maximumFileBytes + (16 << 20) else {
            throw PitcrewError.invalid("file", "The upload is larger than \(maximumFileBytes >> 30) GiB.")
        }
        buffer.append(contentsOf: bytes)
        try process(final: false, openFile: openFile)
    }

    /// The body has ended: it must have ended with the close delimiter.
    mutating func finish(openFile: ([String: String], String) throws -> String) throws {
        try process(final: true, openFile: openFile)
        guard state == .done else { throw Self.malformed("The form body ends too early (the upload was cut short).") }
    }

    /// Closes and removes the file of a failed upload.
    mutating func abandon() {
        try? handle?.close()
        handle = nil
        if let filePath { try? FileManager.default.removeItem(atPath: filePath) }
    }

    private mutating func process(final: Bool, openFile: ([String: String], String) throws -> String) throws {
        let cutShort = Self.malformed("The form body ends too early (the upload was cut short).")
        while true {
            switch state {
            case .start:
                guard buffer.count >= dashBoundary.count else {
                    if final { throw cutShort }
                    return
                }
                guard buffer.starts(with: dashBoundary) else { throw Self.malformed("The form body does not start with its boundary.") }
                consume(dashBoundary.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count >= 2 else {
                    if final { throw cutShort }
                    return
                }
                if buffer[0] == 0x2D && buffer[1] == 0x2D {
                    consume(2)
                    state = .done
                    continue
                }
                guard buffer[0] == 13 && buffer[1] == 10 else { throw Self.malformed("A multipart boundary is not followed by a line break.") }
                consume(2)
                parts += 1
                guard parts <= MultipartForm.maximumParts else { throw Self.malformed("The form has too many parts.") }
                state = .headers
            case .headers:
                if buffer.count >= 2 && buffer[0] == 13 && buffer[1] == 10 { throw Self.malformed("A part of the form has no headers.") }
                guard let end = find([13, 10, 13, 10]) else {
                    if buffer.count > MultipartForm.maximumHeaderBytes { throw Self.malformed("The headers of a part are too long.") }
                    if final { throw cutShort }
                    return
                }
                guard end <= MultipartForm.maximumHeaderBytes else { throw Self.malformed("The headers of a part are too long.") }
                let headerBytes = buffer[0..<end]
                try startPart(headerBytes, openFile: openFile)
                consume(end + 4)
                state = .body
            case .body:
                if let end = find(delimiter) {
                    try emit(end)
                    consume(end + delimiter.count)
                    try endPart()
                    state = .afterDelimiter
                } else {
                    // Keep a tail that may be the start of the delimiter.
                    let keep = delimiter.count - 1
                    if buffer.count > keep {
                        let count = buffer.count - keep
                        try emit(count)
                        consume(count)
                    }
                    if final { throw cutShort }
                    return
                }
            case .done:
                // The epilogue after the close delimiter is ignored.
                buffer.removeAll(keepingCapacity: true)
                return
            }
        }
    }

    private mutating func startPart(_ bytes: ArraySlice<UInt8>, openFile: ([String: String], String) throws -> String) throws {
        guard let headerText = String(bytes: bytes, encoding: .utf8) else { throw Self.malformed("The headers of a part are not UTF-8.") }
        var disposition: String?
        for line in headerText.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line.first != " ", line.first != "\t",
                  !line.contains("\r"), !line.contains("\n")
            else { throw Self.malformed("A part header is malformed.") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { throw Self.malformed("A part header is malformed.") }
            if name == "content-disposition" {
                guard disposition == nil else { throw Self.malformed("A part has two Content-Disposition headers.") }
                disposition = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        guard let disposition else { throw Self.malformed("A part of the form has no Content-Disposition header.") }
        let (type, parameters) = try Self.parseDisposition(disposition)
        guard type.lowercased() == "form-data", let name = parameters["name"], !name.isEmpty else {
            throw Self.malformed("A part of the form is not form-data with a name.")
        }
        if let sentName = parameters["filename"] {
            guard name == fileField else { throw Self.malformed("The form has an unexpected file field.") }
            guard filePath == nil else { throw Self.malformed("Only one file can be uploaded at a time.") }
            if sentName.isEmpty {
                // A file input with no file chosen: browsers send an empty part.
                part = .discard
                discarded = 0
                return
            }
            let path = try openFile(form.fields, sentName)
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let handle = FileHandle(forWritingAtPath: path)
            else { throw PitcrewError(.unavailable, "Could not store the upload.") }
            self.handle = handle
            filePath = path
            fileName = sentName
            fileSize = 0
            part = .file
        } else {
            guard name != fileField else { throw Self.malformed("The field \"\(fileField)\" must be a file.") }
            part = .text(name: name)
            text = []
        }
    }

    private mutating func emit(_ count: Int) throws {
        guard count > 0 else { return }
        switch part {
        case .text:
            guard text.count + count <= MultipartForm.maximumFieldBytes else { throw Self.malformed("A form field is longer than 64 KiB.") }
            text.append(contentsOf: buffer[0..<count])
        case .file:
            fileSize += count
            guard fileSize <= maximumFileBytes else {
                throw PitcrewError.invalid("file", "The file is larger than \(maximumFileBytes >> 30) GiB.")
            }
            try handle?.write(contentsOf: buffer[0..<count])
        case .discard:
            discarded += count
            guard discarded <= MultipartForm.maximumFieldBytes else { throw Self.malformed("An empty file field has content.") }
        case nil:
            throw Self.malformed("The form body is malformed.")
        }
    }

    private mutating func endPart() throws {
        switch part {
        case .text(let name):
            guard let value = String(bytes: text, encoding: .utf8) else { throw Self.malformed("The form field \"\(name)\" is not UTF-8.") }
            form.fields[name] = value
            text = []
        case .file:
            try handle?.close()
            handle = nil
            form.file = MultipartForm.File(field: fileField, fileName: fileName, path: filePath ?? "", size: fileSize)
        case .discard, nil:
            break
        }
        part = nil
    }

    private mutating func consume(_ count: Int) {
        if count >= buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeFirst(count)
        }
    }

    /// The first index of `needle` in the buffer.
    private func find(_ needle: [UInt8]) -> Int? {
        let length = needle.count
        guard length > 0, buffer.count >= length else { return nil }
        return buffer.withUnsafeBufferPointer { haystack -> Int? in
            needle.withUnsafeBufferPointer { needle -> Int? in
                let first = needle[0]
                let last = haystack.count - length
                var index = 0
                while index <= last {
                    if haystack[index] == first {
                        var offset = 1
                        while offset < length && haystack[index + offset] == needle[offset] { offset += 1 }
                        if offset == length { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    /// `form-data; name="file"; filename="a.csv"` → ("form-data", ["name": "file", "filename": "a.csv"]).
    /// Quoted values may contain `;` and backslash escapes; a repeated parameter is an error.
    static func parseDisposition(_ value: String) throws -> (type: String, parameters: [String: String]) {
        let characters = Array(value)
        var index = 0
        func skipSpace() {
            while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        }
        func token() -> String {
            let start = index
            while index < characters.count, !";= \t\"".contains(characters[index]) { index += 1 }
            return String(characters[start..<index])
        }
        let failure = Self.malformed("A part's Content-Disposition header is malformed.")
        skipSpace()
        let type = token()
        skipSpace()
        guard !type.isEmpty else { throw failure }
        var parameters: [String: String] = [:]
        while index < characters.count {
            guard characters[index] == ";" else { throw failure }
            index += 1
            skipSpace()
            if index == characters.count { break }
            let name = token().lowercased()
            skipSpace()
            guard !name.isEmpty, index < characters.count, characters[index] == "=" else { throw failure }
            index += 1
            skipSpace()
            var parameter = ""
            if index < characters.count, characters[index] == "\"" {
                index += 1
                var closed = false
                while index < characters.count {
                    let character = characters[index]
                    index += 1
                    if character == "\\", index < characters.count {
                        parameter.append(characters[index])
                        index += 1
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        parameter.append(character)
                    }
                }
                guard closed else { throw failure }
            } else {
                parameter = token()
            }
            skipSpace()
            guard parameters[name] == nil else { throw failure }
            parameters[name] = parameter
        }
        return (type, parameters)
    }
}
