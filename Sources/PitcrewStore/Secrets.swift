import Crypto
import Foundation

/// Random secrets (session ids, API tokens, CSRF tokens) and their at-rest hashes.
public enum Secrets {
    /// `bytes` random bytes from the system CSPRNG, base64url without padding.
    public static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var data = Data(count: bytes)
        for index in 0..<bytes { data[index] = generator.next() }
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 of a secret as lowercase hex: what is stored, never the secret itself.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
