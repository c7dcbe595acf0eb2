/// The multiplier of the polynomial hash: odd, with well-mixed bits.
let hashMultiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

/// The polynomial part of the hash, `sum((byte + 1) * M^(n-1-i))`: linear, so the hash of a string with one byte
/// deleted follows from prefix and suffix sums in constant time (see `PhraseMatcher.fuzzyWords`).
@inline(__always)
func rawHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0
    for byte in bytes {
        hash = hash &* hashMultiplier &+ UInt64(byte) &+ 1
    }
    return hash
}

/// Mixes a raw polynomial hash so every bit depends on every input bit.
@inline(__always)
func finishHash(_ raw: UInt64, length: Int) -> UInt64 {
    var hash = raw ^ (UInt64(truncatingIfNeeded: length) &* 0xD6E8_FEB8_6659_FD93)
    hash ^= hash >> 32
    hash = hash &* 0xBF58_476D_1CE4_E5B9
    hash ^= hash >> 29
    hash = hash &* 0x94D0_49BB_1331_11EB
    hash ^= hash >> 32
    return hash
}

@inline(__always)
func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    finishHash(rawHash(bytes), length: bytes.count)
}

/// Powers of ``hashMultiplier``, for deletion hashes of words up to 64 bytes.
let hashPowers: [UInt64] = {
    var powers: [UInt64] = [1]
    for _ in 0..<65 { powers.append(powers.last! &* hashMultiplier) }
    return powers
}()

/// A set of byte strings with dense ids 0, 1, 2 ... in insertion order, looked up without allocating.
///
/// Open addressing with linear probing; each slot packs a 32-bit hash tag with the id, so a probe touches the
/// string only when the tags agree.
struct WordTable: Sendable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [UInt32] = [0]
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 10 / 7 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { starts.count - 1 }

    /// Bytes held: the strings, their offsets and the slots.
    var memoryBytes: Int { arena.capacity + starts.capacity * 4 + slots.capacity * 8 }

    /// The id of `bytes`, if present.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        find(bytes, hash: hashBytes(bytes))
    }

    /// The id of `bytes`, whose ``hashBytes(_:)`` is `hash`, if present.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let tag = hash >> 32
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot == 0 { return nil }
                if slot >> 32 == tag {
                    let id = Int(slot & 0xFFFF_FFFF) - 1
                    if equals(id, bytes) { return Int32(id) }
                }
                index = (index + 1) & mask
            }
        }
    }

    func find(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBufferPointer { find($0) }
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        starts.withUnsafeBufferPointer { starts in
            let start = Int(starts[id])
            let end = Int(starts[id + 1])
            guard end - start == bytes.count else { return false }
            return arena.withUnsafeBufferPointer { arena in
                var offset = 0
                while offset < bytes.count {
                    if arena[start + offset] != bytes[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    /// The id of `bytes`, inserting it if new.
    @discardableResult
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let id = find(bytes) { return id }
        let id = count
        arena.append(contentsOf: bytes)
        starts.append(UInt32(arena.count))
        if (id + 1) * 10 > slots.count * 7 { grow() }
        place(id: id, hash: hashBytes(bytes))
        return Int32(id)
    }

    @discardableResult
    mutating func insert(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { insert($0) }
    }

    func word(_ id: Int32) -> ArraySlice<UInt8> {
        arena[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    /// The length of word `id` in bytes.
    @inline(__always)
    func length(_ id: Int32) -> Int { Int(starts[Int(id) + 1] &- starts[Int(id)]) }

    private mutating func place(id: Int, hash: UInt64) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = (hash >> 32) << 32 | UInt64(id + 1)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<count {
            let hash = arena.withUnsafeBufferPointer { arena in
                hashBytes(UnsafeBufferPointer(rebasing: arena[Int(starts[id])..<Int(starts[id + 1])]))
            }
            place(id: id, hash: hash)
        }
    }

    /// Trims spare capacity once building is done.
    mutating func shrink() {
        arena = Array(arena)
        starts = Array(starts)
    }
}

/// A multimap from a string's hash to ids; a hit is a candidate to verify, never an answer.
struct HashMultiMap: Sendable {
    private var slots: [UInt64] = []
    private var mask = 0
    /// A Bloom filter in front of the slots: most probes are misses, and the filter answers those from cache.
    private let filter: BloomFilter
    private(set) var count = 0

    var memoryBytes: Int { slots.capacity * 8 + filter.memoryBytes }

    /// Builds the table from `(hash, id)` pairs.
    init(_ pairs: [(UInt64, Int32)]) {
        var size = 16
        while size < pairs.count * 10 / 8 + 1 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for (hash, id) in pairs {
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = (hash >> 32) << 32 | UInt64(UInt32(bitPattern: id) &+ 1)
        }
        count = pairs.count
        filter = BloomFilter(hashes: pairs.lazy.map(\.0), count: pairs.count)
    }

    /// Calls `body` with every id stored under `hash`.
    @inline(__always)
    func forEach(hash: UInt64, _ body: (Int32) -> Void) {
        guard count > 0, filter.mayContain(hash) else { return }
        let tag = hash >> 32
        var index = Int(truncatingIfNeeded: hash) & mask
        slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot == 0 { return }
                if slot >> 32 == tag { body(Int32(truncatingIfNeeded: (slot & 0xFFFF_FFFF) - 1)) }
                index = (index + 1) & mask
            }
        }
    }
}

/// A set of 64-bit hashes, exact for them: the answer a ``BloomFilter`` in front of it only guesses. A filter's false
/// positive is a fixed word anyone can find offline from the public word lists; a set of whole hashes has none that a
/// prompt's word can hit short of a 64-bit collision.
struct HashSet64: Sendable {
    private var slots: [UInt64]
    private let mask: Int

    init(_ hashes: some Sequence<UInt64>, count: Int) {
        var size = 16
        while size < count * 10 / 7 + 1 { size <<= 1 }
        var slots = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for hash in hashes {
            let key = Self.key(hash)
            var index = Int(truncatingIfNeeded: key >> 24) & mask
            while slots[index] != 0 && slots[index] != key { index = (index + 1) & mask }
            slots[index] = key
        }
        self.slots = slots
        self.mask = mask
    }

    var memoryBytes: Int { slots.capacity * 8 }

    /// Zero marks an empty slot: a hash of zero is kept as one.
    @inline(__always)
    private static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        let key = Self.key(hash)
        var index = Int(truncatingIfNeeded: key >> 24) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot == key { return true }
                if slot == 0 { return false }
                index = (index + 1) & mask
            }
        }
    }
}

/// The trie's edges below the first word: `(state, word) -> state`.
struct TransitionTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init() {
        keys = [UInt64](repeating: .max, count: 16)
        values = [Int32](repeating: 0, count: 16)
        mask = 15
    }

    var memoryBytes: Int { keys.capacity * 8 + values.capacity * 4 }

    @inline(__always)
    static func key(_ state: Int32, _ word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: state)) << 32 | UInt64(UInt32(bitPattern: word))
    }

    @inline(__always)
    func child(_ state: Int32, _ word: Int32) -> Int32? {
        guard count > 0 else { return nil }
        let key = Self.key(state, word)
        var index = Int(truncatingIfNeeded: mix(key)) & mask
        return keys.withUnsafeBufferPointer { keys in
            while true {
                let found = keys[index]
                if found == key { return values[index] }
                if found == .max { return nil }
                index = (index + 1) & mask
            }
        }
    }

    /// The child of `state` by `word`, made with `newState()` when missing.
    mutating func child(_ state: Int32, _ word: Int32, orInsert newState: () -> Int32) -> Int32 {
        if let existing = child(state, word) { return existing }
        if (count + 1) * 10 > keys.count * 7 { grow() }
        let value = newState()
        insertUnchecked(Self.key(state, word), value)
        count += 1
        return value
    }

    private mutating func insertUnchecked(_ key: UInt64, _ value: Int32) {
        var index = Int(truncatingIfNeeded: mix(key)) & mask
        while keys[index] != .max { index = (index + 1) & mask }
        keys[index] = key
        values[index] = value
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = keys.count * 2
        keys = [UInt64](repeating: .max, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
        for index in oldKeys.indices where oldKeys[index] != .max {
            insertUnchecked(oldKeys[index], oldValues[index])
        }
    }

    @inline(__always)
    private func mix(_ key: UInt64) -> UInt64 {
        var x = key &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        return x
    }
}

/// A Bloom filter over 64-bit hashes, three probes. At eight bits an entry about 3 % false positives; at
/// sixteen about 0.3 %.
struct BloomFilter: Sendable {
    private var bits: [UInt64]
    private let mask: UInt64

    init(hashes: some Sequence<UInt64>, count: Int, bitsPerEntry: Int = 8) {
        var size = 64
        while size < count * bitsPerEntry { size <<= 1 }
        bits = [UInt64](repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
        for hash in hashes {
            let (first, second, third) = Self.positions(hash, mask)
            bits[Int(first >> 6)] |= 1 << (first & 63)
            bits[Int(second >> 6)] |= 1 << (second & 63)
            bits[Int(third >> 6)] |= 1 << (third & 63)
        }
    }

    /// An empty filter sized for `count` entries, filled with ``insert(_:)``.
    init(count: Int, bitsPerEntry: Int = 8) {
        var size = 64
        while size < count * bitsPerEntry { size <<= 1 }
        bits = [UInt64](repeating: 0, count: size / 64)
        mask = UInt64(size - 1)
    }

    mutating func insert(_ hash: UInt64) {
        let (first, second, third) = Self.positions(hash, mask)
        bits[Int(first >> 6)] |= 1 << (first & 63)
        bits[Int(second >> 6)] |= 1 << (second & 63)
        bits[Int(third >> 6)] |= 1 << (third & 63)
    }

    var memoryBytes: Int { bits.capacity * 8 }

    @inline(__always)
    private static func positions(_ hash: UInt64, _ mask: UInt64) -> (UInt64, UInt64, UInt64) {
        let other = hash &* 0x9E37_79B9_7F4A_7C15
        return ((hash >> 7) & mask, (other >> 40) & mask, ((hash >> 29) ^ (other >> 17)) & mask)
    }

    @inline(__always)
    func mayContain(_ hash: UInt64) -> Bool {
        let (first, second, third) = Self.positions(hash, mask)
        return bits.withUnsafeBufferPointer { bits in
            bits[Int(first >> 6)] & (1 << (first & 63)) != 0 && bits[Int(second >> 6)] & (1 << (second & 63)) != 0
                && bits[Int(third >> 6)] & (1 << (third & 63)) != 0
        }
    }
}
