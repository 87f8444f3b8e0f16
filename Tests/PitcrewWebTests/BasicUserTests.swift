import Foundation
import Testing

@testable import PitcrewWeb

/// The HTTP Basic user name the collection API reads its write key from, decoded on bytes: checked against Foundation's
/// base64 decoding over many keys, and on the malformed headers clients send.
@Suite struct BasicUserTests {
    @Test func decodesWhatFoundationEncodes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-é✓")
        for length in 0..<60 {
            let user = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            for password in ["", "secret", "p:w:d"] {
                let header = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
                #expect(CollectionController.basicUser(header) == user, "\(header)")
                #expect(CollectionController.basicUser("basic  " + header.dropFirst(6)) == user)
            }
        }
    }

    @Test func unpaddedAndWithoutPasswordStillRead() {
        #expect(CollectionController.basicUser("Basic a2V5") == "key")  // "key", no colon
        #expect(CollectionController.basicUser("BASIC a2V5Og") == "key")  // "key:", padding left off
        #expect(CollectionController.basicUser("Basic a2V5Og==") == "key")
    }

    @Test func refusesOtherSchemesAndBrokenBase64() {
        #expect(CollectionController.basicUser(nil) == nil)
        #expect(CollectionController.basicUser("Bearer a2V5Og==") == nil)
        #expect(CollectionController.basicUser("Basic") == nil)
        #expect(CollectionController.basicUser("Basic a2V5O") == nil)  // a lone sixth of a byte
        #expect(CollectionController.basicUser("Basic a2V5Og=x") == nil)  // data after padding
        #expect(CollectionController.basicUser("Basic a2V5*g==") == nil)
        #expect(CollectionController.basicUser("Basic " + Data([0xff, 0xfe, 0x3a]).base64EncodedString()) == nil)  // not UTF-8
    }
}
