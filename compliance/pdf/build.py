"""The whole packet build: collect → inspect → lay out → merge (see `compliance.pdf.content`)."""

from __future__ import annotations

import hashlib
import time

from django.utils import translation
from django.utils.translation import gettext as _

from . import proofs
from .content import BuiltPacket, PacketRequest, collect
from .inspect import inspect_files
from .layout import _context, render_generated, render_stamps
from .manifest import manifest, manifest_bytes
from .merge import merge


def build(req: PacketRequest, progress=None) -> BuiltPacket:
    """Build a packet; `progress(percent, note)` is called along the way."""
    started = time.perf_counter()
    with translation.override(req.language):
        if progress:
            progress(5, _("Collecting the record"))
        content = collect(req)
        if progress:
            progress(15, _("Reading the submitted files"))
        content.files = inspect_files(content)
        data = manifest(content)
        digest = hashlib.sha256(manifest_bytes(data)).hexdigest()
        proofs.choose_originals(content.files)
        proof_files = proofs.packet_proofs(content, digest)
        content.log_head = proofs.head_summary(proof_files)
        generated, generated_pages = render_generated(content, digest, progress)
        title = _context(content, digest, generated_pages, 0)["title"]
        if progress:
            progress(75, _("Appending the documents"))
        stamps = render_stamps(content, title, generated_pages)
        path, pages = merge(content, generated, generated_pages, stamps, data, title, progress, proof_files)
    return BuiltPacket(
        path=path,
        page_count=pages,
        generated_pages=generated_pages,
        manifest=data,
        manifest_hash=digest,
        files=content.files,
        render_seconds=time.perf_counter() - started,
    )
