"""The small bootable Debian root the qemu boot test installs: debootstrap minbase with a
kernel (linux-image-amd64, whose initramfs-tools makes the initrd) and systemd-sysv, built
once and cached like src/lab/rootfs_cache does:

  $HERD_IMAGE_BOOT_CACHE (else /var/cache/herd/image-boot)/<key>/rootfs   the finished root
  <key>/build.log                                                         debootstrap's output
  <key>.lock                                                              flock()ed while building

The key names the suite and RECIPE; change RECIPE whenever what is built changes.
"""
import fcntl
import os
import shutil
import subprocess

RECIPE = "r1"
SUITE = "bookworm"
PACKAGES = ["linux-image-amd64", "systemd-sysv"]


def cache_root():
    return os.environ.get("HERD_IMAGE_BOOT_CACHE", "/var/cache/herd/image-boot")


def mirror():
    return os.environ.get("HERD_LAB_MIRROR", "http://deb.debian.org/debian")


def ensure_rootfs():
    """Returns the cached root's path, building it first when missing."""
    key = f"{SUITE}-minbase-kernel-{RECIPE}"
    base = os.path.join(cache_root(), key)
    rootfs = os.path.join(base, "rootfs")
    os.makedirs(cache_root(), exist_ok=True)
    with open(base + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isdir(rootfs):
            return rootfs
        os.makedirs(base, exist_ok=True)
        work = os.path.join(base, "rootfs.partial")
        shutil.rmtree(work, ignore_errors=True)
        with open(os.path.join(base, "build.log"), "w") as log:
            subprocess.run(["debootstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES),
                            SUITE, work, mirror()], stdout=log, stderr=subprocess.STDOUT, check=True)
        # A root password nobody needs (the test waits for the login prompt only), a serial
        # getty comes from console=ttyS0; drop what only makes the image bigger.
        for sub in ("usr/share/doc", "usr/share/man", "usr/share/locale", "var/cache/apt/archives"):
            path = os.path.join(work, sub)
            if os.path.isdir(path):
                for name in os.listdir(path):
                    p = os.path.join(path, name)
                    if os.path.isdir(p) and not os.path.islink(p):
                        shutil.rmtree(p)
                    elif name not in ("lock", "partial"):
                        os.unlink(p)
        with open(os.path.join(work, "etc/hostname"), "w") as f:
            f.write("golden\n")
        os.rename(work, rootfs)
        return rootfs


if __name__ == "__main__":
    print(ensure_rootfs())
