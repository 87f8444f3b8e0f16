extension String {
    /// Trims spaces, tabs, line breaks and no-break spaces at both ends without Foundation.
    /// Most values need no trimming, so the common case (visible ASCII at both ends) is
    /// decided from two UTF-8 bytes.
    func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        if firstByte > 0x20 && firstByte < 0x7F && lastByte > 0x20 && lastByte < 0x7F { return self }
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return self }
        var scalars = Substring(self).unicodeScalars[...]
        while let head = scalars.first, head.properties.isWhitespace { scalars.removeFirst() }
        while let tail = scalars.last, tail.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
