"""The log's Merkle tree against RFC 9162 §2.1: the Certificate Transparency reference
vectors, and every proof checked against a naive reference written straight from the
RFC's recursive definitions (independent of the module's iterative code)."""

import hashlib
import unittest

from compliance.rules import merkle

# The reference leaves and heads used by Certificate Transparency's implementations.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip


# --- the naive reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 as written -----------
def ref_mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m, leaves):
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return ref_path(m, leaves[:k]) + [ref_mth(leaves[k:])]
    return ref_path(m - k, leaves[k:]) + [ref_mth(leaves[:k])]


def ref_subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [ref_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, leaves[:k], b) + [ref_mth(leaves[k:])]
    return ref_subproof(m - k, leaves[k:], False) + [ref_mth(leaves[:k])]


def synthetic_leaves(n):
    return [f"synthetic leaf {i}".encode() for i in range(n)]


class ReferenceVectors(unittest.TestCase):
    def test_heads_match_certificate_transparency_vectors(self):
        hashes = [merkle.leaf_hash(leaf) for leaf in CT_LEAVES]
        for size, expected in enumerate(CT_ROOTS):
            self.assertEqual(merkle.root(hashes[:size]).hex(), expected, size)
            self.assertEqual(ref_mth(CT_LEAVES[:size]).hex(), expected, size)

    def test_inclusion_proofs_match_vectors_and_verify(self):
        hashes = [merkle.leaf_hash(leaf) for leaf in CT_LEAVES]
        for index, size, expected in CT_INCLUSION:
            proof = merkle.inclusion_proof(hashes, index, size)
            self.assertEqual([p.hex() for p in proof], expected)
            root = bytes.fromhex(CT_ROOTS[size])
            self.assertTrue(merkle.verify_inclusion(hashes[index], index, size, proof, root))

    def test_roots_at_gives_every_prefix_head_in_one_pass(self):
        hashes = [merkle.leaf_hash(leaf) for leaf in CT_LEAVES]
        found = merkle.roots_at(hashes, range(9))
        self.assertEqual({k: v.hex() for k, v in found.items()}, dict(enumerate(CT_ROOTS)))


class AgainstTheNaiveReference(unittest.TestCase):
    def test_every_inclusion_proof_up_to_40_leaves(self):
        leaves = synthetic_leaves(40)
        hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
        for size in range(1, 41):
            root = ref_mth(leaves[:size])
            self.assertEqual(merkle.root(hashes[:size]), root)
            for m in range(size):
                proof = merkle.inclusion_proof(hashes, m, size)
                self.assertEqual(proof, ref_path(m, leaves[:size]), (m, size))
                self.assertTrue(merkle.verify_inclusion(hashes[m], m, size, proof, root))

    def test_many_inclusion_proofs_at_once_are_the_same_proofs(self):
        leaves = synthetic_leaves(40)
        hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
        for size in (1, 2, 7, 16, 33, 40):
            together = merkle.inclusion_proofs(hashes, range(size), size)
            self.assertEqual(together, {m: ref_path(m, leaves[:size]) for m in range(size)}, size)
        with self.assertRaises(ValueError):
            merkle.inclusion_proofs(hashes, [40], 40)

    def test_every_consistency_proof_up_to_33_leaves(self):
        leaves = synthetic_leaves(33)
        hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
        for second in range(1, 34):
            second_root = ref_mth(leaves[:second])
            for first in range(1, second + 1):
                proof = merkle.consistency_proof(hashes, first, second)
                self.assertEqual(proof, ref_subproof(first, leaves[:second], True), (first, second))
                first_root = ref_mth(leaves[:first])
                self.assertTrue(merkle.verify_consistency(first, second, first_root, second_root, proof))


class TamperingIsRefused(unittest.TestCase):
    def setUp(self):
        self.leaves = synthetic_leaves(13)
        self.hashes = [merkle.leaf_hash(leaf) for leaf in self.leaves]
        self.root = merkle.root(self.hashes)

    def test_a_changed_sibling_fails_inclusion(self):
        proof = merkle.inclusion_proof(self.hashes, 6)
        for i in range(len(proof)):
            bad = list(proof)
            bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
            self.assertFalse(merkle.verify_inclusion(self.hashes[6], 6, 13, bad, self.root))

    def test_wrong_index_size_or_leaf_fails_inclusion(self):
        proof = merkle.inclusion_proof(self.hashes, 6)
        self.assertFalse(merkle.verify_inclusion(self.hashes[6], 7, 13, proof, self.root))
        self.assertFalse(merkle.verify_inclusion(self.hashes[6], 6, 13, proof, merkle.root(self.hashes[:12])))
        self.assertFalse(merkle.verify_inclusion(self.hashes[5], 6, 13, proof, self.root))
        self.assertFalse(merkle.verify_inclusion(self.hashes[6], 6, 13, proof[:-1], self.root))
        self.assertFalse(merkle.verify_inclusion(self.hashes[6], 13, 13, proof, self.root))

    def test_rewritten_history_fails_consistency(self):
        rewritten = list(self.hashes)
        rewritten[2] = merkle.leaf_hash(b"a rewritten receipt")
        first_root = merkle.root(self.hashes[:5])
        proof = merkle.consistency_proof(rewritten, 5, 13)
        self.assertFalse(merkle.verify_consistency(5, 13, first_root, merkle.root(rewritten), proof))
        self.assertFalse(merkle.verify_consistency(5, 13, first_root, self.root, []))
        self.assertFalse(merkle.verify_consistency(13, 13, first_root, self.root, []))

    def test_out_of_range_requests_are_refused(self):
        with self.assertRaises(ValueError):
            merkle.inclusion_proof(self.hashes, 13)
        with self.assertRaises(ValueError):
            merkle.consistency_proof(self.hashes, 0, 5)
        with self.assertRaises(ValueError):
            merkle.consistency_proof(self.hashes, 6, 5)
