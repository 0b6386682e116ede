#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_store_decode from docs/store-format.md, independently of
the C++ encoders. The first byte of each file picks the decoder (0 tree, 1 snapshot,
2 chunks, 3 object file, 4 pack index).

Usage: fuzz/store/make-corpus.py fuzz/store/corpus
"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys


def s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack("<I", len(b)) + b


def h(text):
    return hashlib.sha256(text.encode()).digest()


def entry(name, type_, mode=0o644, size=0, xattrs=(), link=b"", rdev=0, group=0, content=b"\0" * 32,
          user="root", grp="root"):
    out = s(name) + bytes([type_]) + struct.pack("<III", mode, 0, 0) + s(user) + s(grp)
    out += struct.pack("<qQ", 1700000000000000000, size) + struct.pack("<I", len(xattrs))
    for k, v in xattrs:
        out += s(k) + s(v)
    return out + s(link) + struct.pack("<QI", rdev, group) + content


def tree(entries):
    return bytes([1]) + struct.pack("<I", len(entries)) + b"".join(entries)


def snapshot(parents, meta):
    out = bytes([1]) + h("tree") + struct.pack("<I", len(parents)) + b"".join(parents)
    out += struct.pack("<q", 1700000000123456789) + s("root@compute-0-0") + s("checkpoint")
    out += struct.pack("<I", len(meta))
    for k, v in sorted(meta.items()):
        out += s(k) + s(v)
    return out


def chunks(sizes):
    out = bytes([1]) + struct.pack("<QI", sum(sizes), len(sizes))
    for i, n in enumerate(sizes):
        out += h(str(i)) + struct.pack("<I", n)
    return out


def object_file(payload, type_=1):
    return b"HOBJ" + bytes([1, type_, 0, 0]) + struct.pack("<Q", len(payload)) + payload


def pack_index(entries, pack_size):
    """entries: (hash, offset, length), any order; sorted here as the format requires."""
    out = b"HIDX" + struct.pack("<IQQ", 1, len(entries), pack_size)
    for digest, offset, length in sorted(entries):
        out += digest + struct.pack("<QQ", offset, length)
    return out + hashlib.sha256(out).digest()


seeds = {
    "tree-empty": b"\0" + tree([]),
    "tree-etc": b"\0" + tree([
        entry("hosts", 1, size=120, content=h("hosts"), xattrs=[("security.selinux", "system_u:object_r:etc_t:s0")]),
        entry("localtime", 3, mode=0o777, size=23, link="/usr/share/zoneinfo/UTC"),
        entry("null", 4, mode=0o666, rdev=0x103),
        entry("passwd", 1, size=900, group=1, content=h("passwd")),
        entry("ssh", 2, mode=0o755, content=h("ssh-tree")),
    ]),
    "tree-fifo-socket": b"\0" + tree([entry("fifo", 6), entry("sda", 5, rdev=0x800), entry("sock", 7)]),
    "snapshot-first": b"\1" + snapshot([], {"host": "compute-0-0"}),
    "snapshot-child": b"\1" + snapshot([h("p1"), h("p2")], {"packages": h("pkgs").hex(), "host": "n0"}),
    "chunks-one": b"\2" + chunks([70000]),
    "chunks-many": b"\2" + chunks([4096, 16384, 65536, 100]),
    "object-raw": b"\3" + object_file(b"fuzz"),
    "object-bad-type": b"\3" + object_file(b"fuzz", 9),
    "pack-index-empty": b"\4" + pack_index([], 8),
    "pack-index-two": b"\4" + pack_index([(h("a"), 8, 20), (h("b"), 28, 100)], 128),
}

# A zstd body, when the zstd program is here to make one (with its content size: from a
# file, not a pipe).
if shutil.which("zstd"):
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "p"), "wb") as f:
            f.write(b"fuzz")
        subprocess.run(["zstd", "-q", "-f", os.path.join(tmp, "p"), "-o", os.path.join(tmp, "p.zst")], check=True)
        with open(os.path.join(tmp, "p.zst"), "rb") as f:
            frame = f.read()
    seeds["object-zstd"] = b"\3" + b"HOBJ" + bytes([1, 1, 1, 0]) + struct.pack("<Q", 4) + frame

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
