"""The transparency log's Ed25519 signing key: read from WEGO_LOG_KEY_FILE, never stored.

The private key lives in a file the web process reads but cannot write (production
refuses to start without it, see settings); the demo and development generate one under
var/ on first use. The database keeps only public keys (`LogKey`), so heads signed with
a retired key still verify, and `rotate_log_key` links each key to the next.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class LogKeyError(Exception):
    """The signing key cannot be read; the message says which file and why."""


def generate(path: Path) -> Ed25519PrivateKey:
    """A new key written to `path` (created exclusively, readable by its owner only)."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return key


def read_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise LogKeyError(f"The log signing key {path} cannot be read: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise LogKeyError(f"The log signing key {path} is not an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    """The key of WEGO_LOG_KEY_FILE; outside production a missing file is generated."""
    path = Path(settings.WEGO_LOG_KEY_FILE)
    if not path.exists() and not settings.PRODUCTION:
        try:
            return generate(path)
        except FileExistsError:  # another process made it meanwhile
            pass
    return read_private(path)


def public_pem(key) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key) -> str:
    """SHA-256 of the raw 32-byte public key, in hex: how heads name the key that signed them."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")


def verifies(public: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
