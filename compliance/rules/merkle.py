"""The transparency log's Merkle tree, exactly as RFC 9162 §2.1 defines it. Pure.

Leaves and nodes are hashed with SHA-256 and a one-byte prefix, so a leaf can never be
passed off as an inner node (§2.1.1):

    leaf hash  = SHA-256(0x00 || leaf)
    node hash  = SHA-256(0x01 || left || right)
    MTH({})    = SHA-256()                       (the empty tree)
    MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n]))  k = largest power of two < n

Inclusion proofs (§2.1.3) and consistency proofs (§2.1.4) are generated from the leaf
hashes (not the leaves) and verified with the RFC's own algorithms (§2.1.3.2, §2.1.4.2),
which the offline packet verifier (`compliance/static_verifier/verify_packet.py`) repeats
word for word. Everything takes and returns raw 32-byte digests; hex is the callers'.
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(hashes: list[bytes]) -> bytes:
    """MTH over leaf hashes `hashes` (the tree's head), iteratively: O(n), no recursion depth."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    return CompactRange.of(hashes).root()


def _subtree(hashes, start: int, end: int) -> bytes:
    if end - start == 1:
        return hashes[start]
    return CompactRange.of(hashes[start:end]).root()


def inclusion_proof(hashes: list[bytes], index: int, size: int | None = None) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 for leaf `index` in the tree of the first `size` leaves."""
    return _path(hashes, index, size, lambda start, end: _subtree(hashes, start, end))


def inclusion_proofs(hashes: list[bytes], indices, size: int | None = None) -> dict[int, list[bytes]]:
    """{index: PATH(index, D[n])} for many leaves at once: each subtree hash the paths share
    is computed once (O(n) for the whole tree, not O(n) per proof)."""
    known: dict[tuple[int, int], bytes] = {}

    def subtree(start, end):
        if end - start == 1:
            return hashes[start]
        if (start, end) not in known:
            k = _split(end - start)
            known[start, end] = node_hash(subtree(start, start + k), subtree(start + k, end))
        return known[start, end]

    return {index: _path(hashes, index, size, subtree) for index in indices}


def _path(hashes, index, size, subtree) -> list[bytes]:
    size = len(hashes) if size is None else size
    if not 0 <= index < size <= len(hashes):
        raise ValueError(f"no leaf {index} in a tree of {size}")
    path = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m = start + k, m - k
    return path[::-1]


def consistency_proof(hashes: list[bytes], first: int, second: int | None = None) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between the trees of `first` and `second` leaves."""
    second = len(hashes) if second is None else second
    if not 0 < first <= second <= len(hashes):
        raise ValueError(f"no consistency proof from {first} to {second}")
    if first == second:
        return []

    def subproof(m, start, end, whole):
        n = end - start
        if m == n:
            return [] if whole else [_subtree(hashes, start, end)]
        k = _split(n)
        if m <= k:
            return subproof(m, start, start + k, whole) + [_subtree(hashes, start + k, end)]
        return subproof(m - k, start + k, end, False) + [_subtree(hashes, start, start + k)]

    return subproof(first, 0, second, True)


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove leaf hash `leaf` at `index` in a tree of `size` with `root_hash`?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (`second`, `second_root`) an extension of (`first`, `first_root`)?"""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: first_root itself starts the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class CompactRange:
    """The roots of the perfect subtrees covering the leaves so far (at most log2 n of them).

    Appending a leaf merges equal-sized subtrees like a binary counter; the tree's head is
    the subtrees folded from the right (RFC 9162's MTH splits at powers of two, so the left
    parts are exactly these perfect subtrees). Lets `verify_log` compute the head at every
    published size in one pass over the leaves.
    """

    def __init__(self):
        self.size = 0
        self.peaks: list[tuple[int, bytes]] = []  # (leaf count, subtree root), largest first

    @classmethod
    def of(cls, hashes):
        rng = cls()
        for h in hashes:
            rng.append(h)
        return rng

    def append(self, leaf: bytes) -> None:
        count, digest = 1, leaf
        while self.peaks and self.peaks[-1][0] == count:
            left_count, left = self.peaks.pop()
            count, digest = left_count + count, node_hash(left, digest)
        self.peaks.append((count, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self.peaks:
            return hashlib.sha256(b"").digest()
        digest = self.peaks[-1][1]
        for _count, left in reversed(self.peaks[:-1]):
            digest = node_hash(left, digest)
        return digest


def roots_at(hashes, sizes) -> dict[int, bytes]:
    """{size: MTH of the first `size` leaves} for each of `sizes`, in one pass."""
    wanted = sorted(set(sizes))
    found = {}
    rng = CompactRange()
    if 0 in wanted:
        found[0] = rng.root()
    it = iter(wanted)
    target = next((s for s in it if s > 0), None)
    for h in hashes:
        if target is None:
            break
        rng.append(h)
        while target is not None and rng.size == target:
            found[target] = rng.root()
            target = next(it, None)
    return found
