/// The scalar whose UTF-8 starts at `offset` with the lead byte `lead` (0x80 or more), moving `offset` past it. Swift
/// strings hold valid UTF-8, so the bytes are not checked: the prompt scan and the prompt's readings decode this way.
@inline(__always)
func decodeMultibyteScalar(_ utf8: UnsafeBufferPointer<UInt8>, lead: UInt8, at offset: inout Int) -> UInt32 {
    if lead < 0xE0 {
        defer { offset += 2 }
        return UInt32(lead & 0x1F) << 6 | UInt32(utf8[offset + 1] & 0x3F)
    }
    if lead < 0xF0 {
        defer { offset += 3 }
        return UInt32(lead & 0x0F) << 12 | UInt32(utf8[offset + 1] & 0x3F) << 6 | UInt32(utf8[offset + 2] & 0x3F)
    }
    defer { offset += 4 }
    return UInt32(lead & 0x07) << 18 | UInt32(utf8[offset + 1] & 0x3F) << 12 | UInt32(utf8[offset + 2] & 0x3F) << 6
        | UInt32(utf8[offset + 3] & 0x3F)
}
