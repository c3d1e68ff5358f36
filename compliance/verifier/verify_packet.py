#!/usr/bin/env python3
"""Verify a WeGO Article 17 council packet (or annual report) offline: 서울시 WeGO 제17조
의회 제출 꾸러미·연례 보고서 검증.

    python verify_packet.py packet.pdf --key public_key.pem [--head head.json]

Needs Python 3.9+ and nothing else (the `cryptography` package is used for Ed25519 when
installed; otherwise a pure-Python check from RFC 8032). No network, no database. It reads
the files attached to the PDF (log-head.json, log-proofs.json, manifest.json and the
documents), checks the head's signature with the key YOU give (never a key inside the
packet), each inclusion proof (RFC 9162), that the packet's record says what the log says,
and each document's SHA-256. With --head (a later head from /public/log/head.json?since=N)
it also checks that the log was only appended to since. Exit 0 when everything holds,
1 naming each thing that does not.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import zlib

# --- RFC 9162 §2.1 ---------------------------------------------------------------------


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, path, root):
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = ([first_root] if first & (first - 1) == 0 else []) + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# --- Ed25519 (cryptography if present, else RFC 8032 §5.1.7 in pure Python) ------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
I = pow(2, (P - 1) // 4, P)  # noqa: E741


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    cc, dd = 2 * t1 * t2 * D % P, 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, pt)
        pt, s = _add(pt, pt), s >> 1
    return q


def _decode(b):
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * I % P
    if (x * x - x2) % P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _encode(pt):
    x, y, z, _t = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_GY = 4 * pow(5, P - 2, P) % P
G = _decode(_GY.to_bytes(32, "little"))


def ed25519_verify(public, message, signature):
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        pass
    else:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False
    if len(signature) != 64 or len(public) != 32:
        return False
    a, r = _decode(public), _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    return _encode(_mul(s, G)) == _encode(_add(r, _mul(h, a)))


def read_public_key(path):
    """The 32 raw bytes of an Ed25519 public key in PEM (SubjectPublicKeyInfo)."""
    text = open(path, encoding="ascii").read()
    body = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", text, re.S)
    der = base64.b64decode("".join(body.group(1).split())) if body else b""
    if len(der) != 44 or der[:12] != bytes.fromhex("302a300506032b6570032100"):
        raise ValueError(f"{path} is not an Ed25519 public key (PEM)")
    return der[12:]


# --- The PDF's attached files, read with the standard library ---------------------------

TOKEN = re.compile(
    rb"\s*(<<|>>|\[|\]|/[^\s/<>\[\]()%]*|\((?:\\.|[^\\)])*?\)|<[0-9A-Fa-f\s]*>|[-+.\d]+|[A-Za-z]+)", re.S
)


class Ref(tuple):
    pass


def _string(raw):
    if raw.startswith(b"<"):
        data = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode())
    else:
        out, body, i = bytearray(), raw[1:-1], 0
        escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
        while i < len(body):
            c = body[i : i + 1]
            if c == b"\\":
                nxt = body[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(), 8) & 255)
                    i += 1 + len(octal.group())
                    continue
                out += escapes.get(nxt, nxt if nxt != b"\n" else b"")
                i += 2
                continue
            out += c
            i += 1
        data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def _parse(data, pos):
    """One PDF value at `pos`: (value, end)."""
    m = TOKEN.match(data, pos)
    if not m:
        raise ValueError(f"cannot read the PDF at byte {pos}")
    tok, end = m.group(1), m.end()
    if tok == b"<<":
        result = {}
        while True:
            m = TOKEN.match(data, end)
            if m.group(1) == b">>":
                return result, m.end()
            key, end = m.group(1)[1:].decode("latin-1"), m.end()
            result[key], end = _parse(data, end)
    if tok == b"[":
        items = []
        while True:
            m = TOKEN.match(data, end)
            if m.group(1) == b"]":
                return items, m.end()
            item, end = _parse(data, end)
            items.append(item)
    if tok.startswith(b"/"):
        return tok[1:].decode("latin-1"), end
    if tok.startswith((b"(", b"<")):
        return _string(tok), end
    if re.fullmatch(rb"\d+", tok):
        ref = re.compile(rb"\s+(\d+)\s+R\b").match(data, end)
        if ref:
            return Ref((int(tok), int(ref.group(1)))), ref.end()
        return int(tok), end
    if re.fullmatch(rb"[-+.\d]+", tok):
        return float(tok), end
    return tok.decode("latin-1"), end


class Pdf:
    def __init__(self, data):
        self.data, self.offsets, self.trailer = data, {}, None
        try:
            self._read_xref(int(re.findall(rb"startxref\s+(\d+)", data)[-1]))
        except Exception:  # noqa: BLE001 - no usable table: scan for the objects below
            self.offsets = {}
        if not self.offsets:  # a damaged or unusual table: find the objects themselves
            for m in re.finditer(rb"(?<![\d])(\d+)\s+0\s+obj\b", data):
                self.offsets[int(m.group(1))] = m.start()
            self.trailer = _parse(data, data.rindex(b"trailer") + 7)[0] if b"trailer" in data else {}

    def _read_xref(self, pos):
        if not self.data.startswith(b"xref", pos):
            raise ValueError("a cross-reference stream")
        lines = iter(self.data[pos + 4 : self.data.index(b"trailer", pos)].split(b"\n"))
        found = {}
        for line in lines:
            parts = line.split()
            if len(parts) == 2:
                start = int(parts[0])
                for n in range(int(parts[1])):
                    entry = next(lines).split()
                    if entry[2] == b"n":
                        found[start + n] = int(entry[0])
        trailer = _parse(self.data, self.data.index(b"trailer", pos) + 7)[0]
        self.trailer = self.trailer or trailer  # the newest trailer names the document's root
        if "Prev" in trailer:
            self._read_xref(trailer["Prev"])
        self.offsets.update(found)  # a later update overrides an earlier one

    def get(self, value):
        if not isinstance(value, Ref):
            return value
        pos = self.offsets[value[0]]
        m = re.compile(rb"\d+\s+\d+\s+obj").match(self.data, pos)
        obj, end = _parse(self.data, m.end())
        return obj, end

    def resolve(self, value):
        return self.get(value)[0] if isinstance(value, Ref) else value

    def stream(self, ref):
        obj, end = self.get(ref)
        m = re.compile(rb"\s*stream\r?\n").match(self.data, end)
        length = self.resolve(obj["Length"])
        raw = self.data[m.end() : m.end() + length]
        filters = self.resolve(obj.get("Filter", []))
        for name in filters if isinstance(filters, list) else [filters]:
            if name != "FlateDecode":
                raise ValueError(f"unsupported filter {name}")
            raw = zlib.decompress(raw)
        return raw

    def attachments(self):
        """{name: bytes} of the files embedded in the PDF (its EmbeddedFiles name tree)."""
        names = self.resolve(self.resolve(self.trailer["Root"]).get("Names", {}))
        tree, found = self.resolve(names.get("EmbeddedFiles", {})), {}
        pending = [tree]
        while pending:
            branch = self.resolve(pending.pop())
            pending += branch.get("Kids", [])
            pairs = branch.get("Names", [])
            for name, spec in zip(pairs[::2], pairs[1::2]):  # noqa: B905 - runs on Python 3.9
                spec = self.resolve(spec)
                found[spec.get("UF", spec.get("F", name))] = self.stream(self.resolve(spec["EF"])["F"])
        return found


# --- The checks ----------------------------------------------------------------------------


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


HEAD_FIELDS = ("format", "key_id", "log", "root_hash", "timestamp", "tree_size")


def check_head(head, keys, label):
    """None when `head` is signed by one of `keys` ({key_id: raw}); else what is wrong."""
    key = keys.get(head.get("key_id"))
    if key is None:
        return (
            f"{label}: 서명 키가 다릅니다 / was signed by key {str(head.get('key_id'))[:16]}…, "
            f"not by the key given ({', '.join(k[:16] + '…' for k in keys)})"
        )
    message = b"wego-art17-log-head/1\n" + canonical({k: head[k] for k in HEAD_FIELDS})
    try:
        signature = base64.b64decode(head.get("signature", ""), validate=True)
    except ValueError:
        signature = b""
    if not ed25519_verify(key, message, signature):
        return f"{label}: 서명이 맞지 않습니다 / the signature does not verify (the head or its signature was changed)"
    return None


def verify(pdf_bytes, keys, later=None):
    """(facts verified, problems, "packet" or "report"), each line in Korean / English."""
    ok, bad = [], []
    pdf = Pdf(pdf_bytes)
    files = pdf.attachments()
    for needed in ("log-head.json", "log-proofs.json", "manifest.json"):
        if needed not in files:
            return ok, [f"{needed}: 첨부 파일이 없습니다 / is not attached to this PDF"], "packet"
    head, proofs = json.loads(files["log-head.json"]), json.loads(files["log-proofs.json"])
    manifest = json.loads(files["manifest.json"])
    problem = check_head(head, keys, "log-head.json")
    if problem:
        bad.append(problem)
    else:
        ok.append(f"서명된 로그 헤드 / signed log head: {head['tree_size']} entries, root {head['root_hash'][:16]}…")
    size, root = head["tree_size"], bytes.fromhex(head["root_hash"])
    if (proofs.get("tree_size"), proofs.get("root_hash")) != (size, head["root_hash"]):
        bad.append("log-proofs.json: 헤드와 다른 트리 / proves another tree than the signed head")
    digest = hashlib.sha256(files["manifest.json"]).hexdigest()
    keywords = str(pdf.resolve(pdf.resolve(pdf.trailer.get("Info", {})).get("Keywords", "")))
    if digest != proofs.get("manifest_sha256") or keywords != f"manifest-sha256:{digest}":
        bad.append(
            "manifest.json: 꾸러미에 적힌 해시와 다릅니다 / differs from the manifest hash printed in the packet"
        )
    leaves = {}
    for e in proofs.get("entries", []):
        path = [bytes.fromhex(h) for h in e["inclusion_path"]]
        if not verify_inclusion(leaf_hash(e["leaf"].encode("utf-8")), e["index"], size, path, root):
            bad.append(
                f"{e['ref']} (entry {e['index']}): 포함 증명이 서명된 루트에 닿지 않습니다 / its inclusion proof "
                "does not lead to the signed root (the entry or a hash in its proof was changed)"
            )
            continue
        leaves[e["ref"]] = json.loads(e["leaf"])
    for ref in proofs.get("not_logged", []):
        bad.append(f"{ref}: 로그에 없습니다 / is stated in the packet but not in the log")
    bad += compare(manifest, leaves)
    counts = {}
    for data in leaves.values():
        counts[data["type"]] = counts.get(data["type"], 0) + 1
    if leaves:
        ok.append(
            "로그에 포함 확인 / proved in the log: "
            + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            + f" — dates and receipt numbers match the {what(manifest)}'s record"
        )
    checked = listed = 0
    for f in proofs.get("files", []):
        receipt = leaves.get(f"document:{f['document']}")
        if receipt is not None and f["sha256"] not in receipt.get("files", []):
            bad.append(f"{f['name']}: 접수된 파일이 아닙니다 / its SHA-256 is not among the files of its receipt")
        if f.get("attachment"):
            data = files.get(f["attachment"])
            if data is None:
                bad.append(f"{f['attachment']}: 첨부 파일이 없습니다 / the document is missing from the PDF")
            elif hashlib.sha256(data).hexdigest() != f["sha256"]:
                bad.append(
                    f"{f['attachment']}: 문서가 접수된 것과 다릅니다 / the attached document is not the one received "
                    "(its SHA-256 differs)"
                )
            else:
                checked += 1
        else:
            listed += 1
    if proofs.get("files"):
        ok.append(f"문서 해시 확인 / documents whose SHA-256 matches the receipt: {checked}")
    if listed:
        ok.append(
            f"첨부되지 않은 파일 {listed}개는 해시만 적혀 있습니다 / {listed} file(s) not embedded (too large, "
            "quarantined or missing): their SHA-256 is listed and proved by the receipt; compare it with your copy"
        )
    if later is not None:
        bad += check_later(head, later, keys, ok)
    return ok, bad, what(manifest)


def what(manifest):
    return "report" if str(manifest.get("format", "")).startswith("wego-art17-annual-report") else "packet"


def compare(manifest, leaves):
    """What the packet's (or report's) record states against what the log proves."""
    bad, word = [], {"packet": "꾸러미", "report": "보고서"}[what(manifest)]
    successors = {}
    for data in leaves.values():
        if data["type"] == "receipt" and data.get("supersedes"):
            successors.setdefault(data["supersedes"], set()).add(data["document"])

    def lineage(doc):
        seen, todo = set(), [doc]
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo += successors.get(d, ())
        return seen

    for doc in manifest.get("documents", []):
        leaf = leaves.get(f"document:{doc['id']}")
        if leaf is None:
            bad.append(f"document {doc['id']}: 접수 기록의 증명이 없습니다 / no proof of its receipt in the log")
            continue
        for name, key in (("received_on", "received_on"), ("receipt_number", "receipt_number"), ("kind", "kind"),
                          ("fiscal_year", "fiscal_year")):  # fmt: skip
            if doc.get(name) != leaf.get(key):
                bad.append(
                    f"document {doc['id']} {name}: {word}는 {doc.get(name)}, 로그는 {leaf.get(key)} / "
                    f"the {what(manifest)} says {doc.get(name)}, the log says {leaf.get(key)}"
                )
    events = [d for d in leaves.values() if d["type"] in ("forwarding", "committee_report")]
    extended = {(d.get("obligation_key"), d.get("extended_to")) for d in leaves.values()
                if d["type"] == "extension" and not d.get("withdrawn_on")}  # fmt: skip
    # A packet states its duties as "obligations", the annual report as "items".
    for obligation in manifest.get("obligations", []) + manifest.get("items", []):
        day = obligation.get("extended_due_date")
        if day and (obligation["key"], day) not in extended:
            bad.append(f"{obligation['key']} extended_due_date {day}: 로그에 그런 합의 연장이 없습니다 / "
                       "the log holds no agreed extension of this duty to that day")  # fmt: skip
        for row in obligation.get("trail", []):
            for field, kind, date_key in (("forwarded_on", "forwarding", "forwarded_on"),
                                          ("reported_on", "committee_report", "reported_on")):  # fmt: skip
                day = row.get(field)
                if not day:
                    continue
                docs = lineage(row["document_id"])
                if not any(e["type"] == kind and e[date_key] == day and docs & set(e["documents"]) for e in events):
                    bad.append(
                        f"{obligation['key']} document {row['document_id']} {field} {day}: 로그에 그런 기록이 "
                        f"없습니다 / the log holds no {kind} of this document on that day"
                    )
    return bad


def check_later(head, later, keys, ok):
    problem = check_head(later, keys, "--head")
    if problem:
        return [problem]
    first, second = head["tree_size"], later["tree_size"]
    a, b = bytes.fromhex(head["root_hash"]), bytes.fromhex(later["root_hash"])
    if first == second:
        good = a == b
    else:
        proof = later.get("consistency") or {}
        if proof.get("first") != min(first, second) or proof.get("second", max(first, second)) != max(first, second):
            return [f"--head: 일관성 증명이 없습니다 / holds no consistency proof from {min(first, second)} entries "
                    f"(download /public/log/head.json?since={min(first, second)})"]  # fmt: skip
        path = [bytes.fromhex(h) for h in proof.get("consistency_path", [])]
        good = verify_consistency(first, second, a, b, path) if first < second else (
            verify_consistency(second, first, b, a, path))  # fmt: skip
    if not good:
        return [
            f"--head: 로그가 다시 쓰였습니다 / the head of {second} entries is not consistent with the packet's head "
            f"of {first} (the log's history was rewritten)"
        ]
    ok.append(f"일관성 확인 / consistent with the later head of {second} entries (only appended to since)")
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a WeGO Article 17 council packet offline.")
    parser.add_argument("packet", help="the packet PDF")
    parser.add_argument("--key", action="append", required=True, help="the city's public key (PEM); repeatable")
    parser.add_argument("--head", help="a later signed head (head.json?since=N) to check consistency with")
    args = parser.parse_args(argv)
    try:
        raw_keys = [read_public_key(path) for path in args.key]
        keys = {hashlib.sha256(k).hexdigest(): k for k in raw_keys}
        with open(args.packet, "rb") as fh:
            pdf_bytes = fh.read()
        later = json.load(open(args.head, encoding="utf-8")) if args.head else None
        ok, bad, kind = verify(pdf_bytes, keys, later)
    except Exception as exc:  # noqa: BLE001 - any unreadable input is a failed verification
        print(f"검증 실패 / NOT VERIFIED: 읽을 수 없습니다 / cannot read the input: {exc}")
        return 1
    for line in ok:
        print(f"✓ {line}")
    for line in bad:
        print(f"✗ {line}")
    if bad:
        print(f"검증 실패 / NOT VERIFIED: {len(bad)} problem(s)")
        return 1
    word = {"packet": "꾸러미", "report": "보고서"}[kind]
    print(
        f"검증 완료 / VERIFIED: 이 {word}의 기록은 서명된 로그와 일치합니다 / the {kind}'s record matches the signed log"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
