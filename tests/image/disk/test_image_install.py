"""herd image install onto disk image files through loop devices, as root: the partition
table (sfdisk --json), the file systems and their UUIDs in /etc/fstab, GRUB's files and
MBR, per-node sizes from attributes, --keep-data, the errors that write nothing, kill -9
of an install at random instants (the rerun converges, nothing is left behind), and one
qemu boot of an installed disk (BIOS, and UEFI with OVMF).

The bootable root is debootstrap minbase with a kernel (boot_rootfs.py, cached under
/var/cache/herd/image-boot). Every install is checked to leave no loop device and no mount.
"""
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import boot_rootfs

HERD = os.environ.get("HERD", os.path.join(os.path.dirname(__file__), "../../../build/herd"))
GIB = 1 << 30
MIB = 1 << 20

LAYOUT = """\
# the test's compute layout
disk sda gpt
part bios_grub 1MiB
part /boot/efi 64MiB vfat umask=0077
part /         1GiB  ext4 noatime,errors=remount-ro
part swap      64MiB
part /home     ${attr.home_size:-400MiB} xfs
part /scr      rest  xfs noatime
"""

# Small and quick, for the crash test: no xfs (it needs 300 MB), both boot loaders.
CRASH_LAYOUT = """\
disk sda gpt
part bios_grub 1MiB
part /boot/efi 32MiB vfat umask=0077
part /         rest  ext4 errors=remount-ro
"""

GPT_TYPES = {
    "bios_grub": "21686148-6449-6E6F-744E-656564454649",
    "/boot/efi": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
    "swap": "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
    "linux": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
}


def run(*argv, check=True, **kw):
    p = subprocess.run(list(argv), capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


class Attached:
    """One partition of a disk image file attached read-write as a loop device."""

    def __init__(self, image, start_sector, sectors):
        self.dev = run("losetup", "--find", "--show", "--offset", str(start_sector * 512), "--sizelimit",
                       str(sectors * 512), image).stdout.strip()

    def __enter__(self):
        return self.dev

    def __exit__(self, *exc):
        run("losetup", "--detach", self.dev)


class Mounted:
    def __init__(self, dev, fstype, readonly=True):
        self.dir = tempfile.mkdtemp(prefix="herd-test-mnt-")
        run("mount", "-t", fstype, "-o", "ro" if readonly else "rw", dev, self.dir)

    def __enter__(self):
        return self.dir

    def __exit__(self, *exc):
        run("umount", self.dir)
        os.rmdir(self.dir)


@unittest.skipUnless(os.geteuid() == 0, "installs need root (loop devices, mounts)")
class ImageInstallTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="herd-install-test-")
        self.store = os.path.join(self.dir, "store")
        self.db = os.path.join(self.dir, "herd.db")
        self.loops_before = self.loops()

    def tearDown(self):
        # Nothing an install attached may be left behind, whatever the test did.
        self.assertEqual(self.loops(), self.loops_before, "an install left loop devices attached")
        with open("/proc/self/mounts") as f:
            self.assertNotIn("herd-install-", f.read(), "an install left a mount behind")
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- helpers

    def loops(self):
        return sorted(line.split(":")[0] for line in run("losetup", "-a").stdout.splitlines() if self.dir in line)

    def herd(self, *args, timeout=600):
        env = dict(os.environ, HERD_DB=self.db)
        return run(HERD, *args, check=False, env=env, timeout=timeout)

    def ok(self, *args, **kw):
        p = self.herd(*args, **kw)
        self.assertEqual(p.returncode, 0, f"herd {' '.join(args)}: {p.stdout}\n{p.stderr}")
        return p

    def bad(self, *args, expect, code=2):
        p = self.herd(*args)
        self.assertEqual(p.returncode, code, f"herd {' '.join(args)}: {p.stdout}\n{p.stderr}")
        self.assertIn(expect, p.stderr)
        return p

    def disk(self, size=2 * GIB, name="disk.img"):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.truncate(size)
        return path

    def small_root(self, kernel=True):
        """A tiny root: a few files, and a (fake) kernel and initrd in /boot."""
        root = os.path.join(self.dir, "root")
        for d in ("etc", "boot", "home/alice", "scr", "usr/bin", "var/lib"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        with open(os.path.join(root, "etc/os-release"), "w") as f:
            f.write("NAME=test\n")
        with open(os.path.join(root, "home/alice/notes"), "w") as f:
            f.write("image home\n")
        with open(os.path.join(root, "usr/bin/tool"), "w") as f:
            f.write("#!/bin/sh\necho tool\n")
        if kernel:
            for name in ("vmlinuz-6.1.0-9-amd64", "initrd.img-6.1.0-9-amd64", "vmlinuz-6.1.0-10-amd64",
                         "initrd.img-6.1.0-10-amd64"):
                with open(os.path.join(root, "boot", name), "wb") as f:
                    f.write(b"not really a kernel\n")
        return root

    def capture(self, name, root, layout=LAYOUT, cmdline=None):
        self.ok("image", "capture", name, "--root", root, "--store", self.store, "-m", "test")
        args = []
        if layout is not None:
            path = os.path.join(self.dir, name + ".layout")
            with open(path, "w") as f:
                f.write(layout)
            args += ["--layout", path]
        if cmdline:
            args += ["--cmdline", cmdline]
        if args:
            self.ok("image", "set", name, *args, "--store", self.store)

    def table(self, image):
        return json.loads(run("sfdisk", "--json", image).stdout)["partitiontable"]

    def probe(self, dev, tag):
        return run("blkid", "--probe", "--output", "value", "--match-tag", tag, dev).stdout.strip()

    def install(self, *args, **kw):
        return json.loads(self.ok("image", "install", *args, "--store", self.store, "--json", **kw).stdout)

    # --- the layout, checked when it is set

    def test_a_bad_layout_is_refused_naming_file_and_line(self):
        self.capture("img", self.small_root(), layout=None)
        bad = os.path.join(self.dir, "bad.layout")
        with open(bad, "w") as f:
            f.write("disk sda gpt\npart / 8GiB ext4\npart /scr rest btrfs\n")
        self.bad("image", "set", "img", "--layout", bad, "--store", self.store,
                 expect="bad.layout:3: unknown file system 'btrfs'")
        log = json.loads(self.ok("image", "log", "img", "--store", self.store, "--json").stdout)
        self.assertEqual(len(log), 1, "a refused layout makes no revision")

    # --- an install, checked piece by piece

    def test_install_partitions_formats_deploys_and_writes_grub(self):
        self.capture("img", self.small_root(), cmdline="console=ttyS0")
        disk = self.disk()
        report = self.install("img", "--disk", disk)
        self.assertEqual(report["boot"], "both")
        self.assertEqual(report["kernel"], "/boot/vmlinuz-6.1.0-10-amd64")  # the newest, by version

        table = self.table(disk)
        self.assertEqual(table["label"], "gpt")
        parts = table["partitions"]
        self.assertEqual(len(parts), 6)
        self.assertEqual([p["start"] for p in parts][:3], [2048, 4096, 4096 + 64 * 2048])
        self.assertEqual([p["size"] // 2048 for p in parts], [1, 64, 1024, 64, 400, 2046 - 1 - 64 - 1024 - 64 - 400])
        self.assertEqual(parts[0]["type"], GPT_TYPES["bios_grub"])
        self.assertEqual(parts[1]["type"], GPT_TYPES["/boot/efi"])
        self.assertEqual(parts[2]["type"], GPT_TYPES["linux"])
        self.assertEqual(parts[3]["type"], GPT_TYPES["swap"])
        self.assertEqual([p.get("name") for p in parts], ["bios_grub", "boot/efi", "root", "swap", "home", "scr"])

        types = {}
        uuids = {}
        for target, part in zip(["/boot/efi", "/", "swap", "/home", "/scr"], parts[1:]):
            with Attached(disk, part["start"], part["size"]) as dev:
                types[target] = self.probe(dev, "TYPE")
                uuids[target] = self.probe(dev, "UUID")
        self.assertEqual(types, {"/boot/efi": "vfat", "/": "ext4", "swap": "swap", "/home": "xfs", "/scr": "xfs"})
        self.assertEqual({v["target"]: v["uuid"] for v in report["volumes"]}, uuids)

        with Attached(disk, parts[2]["start"], parts[2]["size"]) as dev, Mounted(dev, "ext4") as root:
            with open(os.path.join(root, "etc/fstab")) as f:
                fstab = [line.split() for line in f if line.strip() and not line.startswith("#")]
            self.assertIn([f"UUID={uuids['/']}", "/", "ext4", "noatime,errors=remount-ro", "0", "1"], fstab)
            self.assertIn([f"UUID={uuids['/boot/efi']}", "/boot/efi", "vfat", "umask=0077", "0", "2"], fstab)
            self.assertIn([f"UUID={uuids['/scr']}", "/scr", "xfs", "noatime", "0", "2"], fstab)
            self.assertIn([f"UUID={uuids['/home']}", "/home", "xfs", "defaults", "0", "2"], fstab)
            self.assertIn([f"UUID={uuids['swap']}", "none", "swap", "sw", "0", "0"], fstab)
            self.assertEqual(len(fstab), 5)
            with open(os.path.join(root, "usr/bin/tool")) as f:
                self.assertEqual(f.read(), "#!/bin/sh\necho tool\n")
            with open(os.path.join(root, "boot/grub/grub.cfg")) as f:
                cfg = f.read()
            self.assertIn(f"linux /boot/vmlinuz-6.1.0-10-amd64 root=UUID={uuids['/']} ro console=ttyS0", cfg)
            self.assertIn("initrd /boot/initrd.img-6.1.0-10-amd64", cfg)
            for mod in ("i386-pc/normal.mod", "i386-pc/linux.mod", "x86_64-efi/normal.mod", "x86_64-efi/linux.mod"):
                self.assertTrue(os.path.isfile(os.path.join(root, "boot/grub", mod)), mod)
            self.assertTrue(os.path.isfile(os.path.join(root, "var/lib/herd/image/deployed.json")))
            with open(os.path.join(root, "var/lib/herd/image/deployed.json")) as f:
                self.assertEqual(json.load(f)["revision"], 2)
            self.assertFalse(os.path.exists(os.path.join(root, "etc/hostname")), "no --node, no hostname")
            # The mount points exist on / for the file systems mounted there at boot.
            for d in ("boot/efi", "home", "scr"):
                self.assertTrue(os.path.isdir(os.path.join(root, d)), d)
        # /home's files came from the image onto its own file system.
        with Attached(disk, parts[4]["start"], parts[4]["size"]) as dev, Mounted(dev, "xfs") as home:
            with open(os.path.join(home, "alice/notes")) as f:
                self.assertEqual(f.read(), "image home\n")

        # BIOS: boot.img in the MBR points at core.img in the bios_grub partition; the
        # protective MBR's partition entry is intact.
        with open(disk, "rb") as f:
            mbr = f.read(512)
            f.seek(2048 * 512)
            core = f.read(512)
        self.assertEqual(int.from_bytes(mbr[0x5c:0x64], "little"), 2048)
        self.assertEqual(mbr[0x1fe:0x200], b"\x55\xaa")
        self.assertEqual(mbr[0x1c2], 0xEE, "the protective MBR entry survives")
        self.assertEqual(int.from_bytes(core[0x1f4:0x1fc], "little"), 2049)
        self.assertGreater(int.from_bytes(core[0x1fc:0x1fe], "little"), 10)
        # UEFI: the removable-media loader on the ESP.
        with Attached(disk, parts[1]["start"], parts[1]["size"]) as dev:
            listing = run("mdir", "-b", "-i", dev, "::/EFI/BOOT", env=dict(os.environ, MTOOLS_SKIP_CHECK="1")).stdout
        self.assertIn("BOOTX64.EFI", listing)

    def test_per_node_sizes_and_hostname(self):
        self.ok("init", "--subnet", "198.51.100.0/24", "--name", "test")
        self.ok("node", "add", "compute-0-1,compute-7-3", "--appliance", "compute")
        self.ok("attr", "set", "home_size", "320MiB", "--node", "compute-7-3")
        self.capture("img", self.small_root())
        # The node's overrides are installed with the image (a template of its data).
        site = os.path.join(self.dir, "site")
        os.makedirs(os.path.join(site, "etc"))
        with open(os.path.join(site, "etc/motd.mustache"), "w") as f:
            f.write("{{node.name}} in rack {{node.rack}}\n")
        self.ok("image", "override", "set", "--appliance", "compute", site, "--store", self.store)
        sizes = {}
        for node in ("compute-0-1", "compute-7-3"):
            disk = self.disk(name=node + ".img")
            self.install("img", "--disk", disk, "--node", node)
            parts = self.table(disk)["partitions"]
            sizes[node] = (parts[4]["size"] // 2048, parts[5]["size"] // 2048)
            with Attached(disk, parts[2]["start"], parts[2]["size"]) as dev, Mounted(dev, "ext4") as root:
                with open(os.path.join(root, "etc/hostname")) as f:
                    self.assertEqual(f.read(), node + "\n")
                with open(os.path.join(root, "etc/motd")) as f:
                    self.assertEqual(f.read(), f"{node} in rack {node.split('-')[1]}\n")
        self.assertEqual(sizes["compute-0-1"][0], 400)  # the default
        self.assertEqual(sizes["compute-7-3"][0], 320)  # /home shrank ...
        self.assertEqual(sizes["compute-7-3"][1], sizes["compute-0-1"][1] + 80)  # ... and /scr grew
        self.bad("image", "install", "img", "--disk", self.disk(name="x.img"), "--node", "nosuch", "--store", self.store,
                 expect="nosuch")

    def test_keep_data_keeps_data_partitions_and_remakes_the_system(self):
        self.capture("img", self.small_root())
        disk = self.disk()
        first = {v["target"]: v["uuid"] for v in self.install("img", "--disk", disk)["volumes"]}
        parts = self.table(disk)["partitions"]
        with Attached(disk, parts[5]["start"], parts[5]["size"]) as dev, Mounted(dev, "xfs", readonly=False) as scr:
            with open(os.path.join(scr, "results.dat"), "w") as f:
                f.write("a week of computing\n")
        with Attached(disk, parts[2]["start"], parts[2]["size"]) as dev, Mounted(dev, "ext4", readonly=False) as root:
            with open(os.path.join(root, "etc/local-change"), "w") as f:
                f.write("gone after a reinstall\n")
        second_report = self.install("img", "--disk", disk, "--keep-data")
        second = {v["target"]: v["uuid"] for v in second_report["volumes"]}
        kept = {v["target"] for v in second_report["volumes"] if v["kept"]}
        self.assertEqual(kept, {"/home", "/scr"})
        self.assertEqual(second["/scr"], first["/scr"])
        self.assertEqual(second["/home"], first["/home"])
        for target in ("/", "/boot/efi", "swap"):
            self.assertNotEqual(second[target], first[target], target + " is made again")
        self.assertEqual(self.table(disk)["partitions"], parts)
        with Attached(disk, parts[5]["start"], parts[5]["size"]) as dev, Mounted(dev, "xfs") as scr:
            with open(os.path.join(scr, "results.dat")) as f:
                self.assertEqual(f.read(), "a week of computing\n")
        with Attached(disk, parts[2]["start"], parts[2]["size"]) as dev, Mounted(dev, "ext4") as root:
            self.assertFalse(os.path.exists(os.path.join(root, "etc/local-change")))
            with open(os.path.join(root, "etc/fstab")) as f:
                self.assertIn(f"UUID={first['/scr']}", f.read())
        # A disk whose table is not the layout's is refused, and not touched.
        other = self.disk(name="other.img")
        run("sfdisk", "--quiet", other, input="label: gpt\nstart=2048, size=204800\n")
        before = self.table(other)
        self.bad("image", "install", "img", "--disk", other, "--keep-data", "--store", self.store,
                 expect="--keep-data never repartitions")
        self.assertEqual(self.table(other), before)

    def test_errors_write_nothing(self):
        self.capture("nokernel", self.small_root(kernel=False))
        disk = self.disk()
        self.bad("image", "install", "nokernel", "--disk", disk, "--store", self.store,
                 expect="nokernel:2 has no kernel (/boot/vmlinuz-*) but its layout boots (both)")
        small = self.disk(size=512 * MIB, name="small.img")
        self.capture("img", self.small_root())
        self.bad("image", "install", "img", "--disk", small, "--store", self.store,
                 expect="disk sda (" + small + "): the layout needs 1553 MiB and some for 'rest' but the disk has 510 MiB usable")
        self.bad("image", "install", "img", "--disk", disk, "--disk", small, "--store", self.store,
                 expect="has 1 disk(s) (sda); give as many --disk")
        self.bad("image", "install", "img:9", "--disk", disk, "--store", self.store, expect="9")
        for path in (disk, small):
            with open(path, "rb") as f:
                self.assertEqual(f.read(4 * MIB).count(0), 4 * MIB, path + " was written")

    def test_a_failure_midway_undoes_everything(self):
        # mkfs.xfs refuses file systems under 300 MB: the install fails after it attached
        # loop devices and made other file systems; tearDown checks none is left.
        layout = "disk sda gpt\npart / 200MiB ext4\npart /scr 100MiB xfs\nboot none\n"
        self.capture("img", self.small_root(), layout=layout)
        p = self.herd("image", "install", "img", "--disk", self.disk(), "--store", self.store)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("mkfs.xfs", p.stderr)

    # --- kill -9

    def group_alive(self, pgid):
        """Whether any process of group `pgid` has not exited yet (zombies have released
        everything: files, loop devices, mounts)."""
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
        return False

    def killed_install(self, disk, delay):
        """`herd image install` killed with SIGKILL after `delay` seconds, with the programs
        it runs (sfdisk, mkfs, mount: its process group, as a crash or a stopped unit kills
        them); returns when every one of them has exited."""
        p = subprocess.Popen([HERD, "image", "install", "img", "--disk", disk, "--store", self.store],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                             env=dict(os.environ, HERD_DB=self.db))
        try:
            p.wait(delay)  # the random instant of the kill, not a readiness wait
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        deadline = time.monotonic() + 30
        while self.group_alive(p.pid):  # children exit on their own after SIGKILL
            self.assertLess(time.monotonic(), deadline, "the killed install's processes did not exit")
            time.sleep(0.01)
        # All it may leave: its empty mount folder, named with its PID (rmdir: empty).
        for name in os.listdir("/tmp"):
            if name.startswith(f"herd-install-{p.pid}-"):
                os.rmdir(os.path.join("/tmp", name))
        return p.returncode

    def left_behind(self):
        """Mounts of the test's disk or beneath an install's folder, and loop devices of
        the test's files (other tests may mount and attach their own meanwhile)."""
        loops = {line.split(":")[0] for line in run("losetup", "-a").stdout.splitlines() if self.dir in line}
        with open("/proc/self/mountinfo") as f:
            mounts = [line.strip() for line in f
                      if "herd-install-" in line or self.dir in line or line.split(" - ")[1].split()[1] in loops]
        return mounts, sorted(loops)

    def check_installed(self, disk, image_root, report):
        """The disk holds the image's files, an fstab by UUID and both boot loaders."""
        parts = self.table(disk)["partitions"]
        self.assertEqual([p.get("name") for p in parts], ["bios_grub", "boot/efi", "root"])
        uuids = {v["target"]: v["uuid"] for v in report["volumes"]}
        with Attached(disk, parts[1]["start"], parts[1]["size"]) as dev:
            self.assertEqual(self.probe(dev, "UUID"), uuids["/boot/efi"])
            listing = run("mdir", "-b", "-i", dev, "::/EFI/BOOT", env=dict(os.environ, MTOOLS_SKIP_CHECK="1")).stdout
            self.assertIn("BOOTX64.EFI", listing)
        with open(disk, "rb") as f:
            mbr = f.read(512)
        self.assertEqual(int.from_bytes(mbr[0x5c:0x64], "little"), 2048, "boot.img points at core.img")
        with Attached(disk, parts[2]["start"], parts[2]["size"]) as dev:
            self.assertEqual(self.probe(dev, "UUID"), uuids["/"])
            run("fsck.ext4", "-n", "-f", dev)
            with Mounted(dev, "ext4") as root:
                for folder, _, files in os.walk(image_root):
                    for name in files:
                        rel = os.path.relpath(os.path.join(folder, name), image_root)
                        with open(os.path.join(image_root, rel), "rb") as a, open(os.path.join(root, rel), "rb") as b:
                            self.assertEqual(a.read(), b.read(), rel)
                with open(os.path.join(root, "etc/fstab")) as f:
                    fstab = sorted(line.split()[:2] for line in f if line.strip() and not line.startswith("#"))
                self.assertEqual(fstab, sorted([[f"UUID={uuids['/']}", "/"], [f"UUID={uuids['/boot/efi']}", "/boot/efi"]]))
                with open(os.path.join(root, "boot/grub/grub.cfg")) as f:
                    self.assertIn(f"root=UUID={uuids['/']} ro", f.read())
                with open(os.path.join(root, "var/lib/herd/image/deployed.json")) as f:
                    self.assertEqual(json.load(f)["image"], "img")
                self.assertEqual([n for n in os.listdir(os.path.join(root, "boot/grub")) if ".herd-" in n], [])

    def test_kill_9_at_random_instants_then_a_rerun_converges(self):
        image_root = self.small_root()
        self.capture("img", image_root, layout=CRASH_LAYOUT)
        disk = self.disk(size=160 * MIB)
        self.assertEqual(self.left_behind(), ([], []))
        start = time.monotonic()
        report = self.install("img", "--disk", disk)
        measured = time.monotonic() - start
        self.check_installed(disk, image_root, report)
        rng = random.Random()
        for run_number in range(10):
            delay = rng.uniform(0, measured)
            what = f"run {run_number}, killed after {delay:.3f}s of {measured:.3f}s"
            self.killed_install(disk, delay)
            self.assertEqual(self.left_behind(), ([], []), f"{what}: a mount or loop device was left behind")
            report = self.install("img", "--disk", disk)
            self.check_installed(disk, image_root, report)
            self.assertEqual(self.left_behind(), ([], []), f"{what}: the rerun left a mount or loop device behind")

    # --- one real boot

    def boot(self, disk, firmware, serial_log, timeout):
        """Boots `disk` in qemu (TCG, no network) until the serial console shows a login
        prompt or a systemd "Reached target" line; returns the log's text."""
        argv = ["qemu-system-x86_64", "-machine", "accel=tcg", "-m", "1024", "-smp", "1", "-nographic",
                "-nic", "none", "-no-reboot", "-drive", f"file={disk},format=raw,if=virtio",
                "-serial", f"file:{serial_log}", "-monitor", "none"]
        if firmware == "uefi":
            vars_copy = os.path.join(self.dir, "OVMF_VARS.fd")
            shutil.copy("/usr/share/OVMF/OVMF_VARS.fd", vars_copy)
            argv += ["-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd",
                     "-drive", f"if=pflash,format=raw,file={vars_copy}"]
        qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + timeout
            text = ""
            while time.monotonic() < deadline:
                if os.path.exists(serial_log):
                    with open(serial_log, "rb") as f:
                        text = f.read().decode("utf-8", "replace")
                    if re.search(r"login:|Reached target", text):
                        return text
                if qemu.poll() is not None:
                    self.fail(f"qemu exited {qemu.returncode}: {qemu.stderr.read().decode()}\nserial:\n{text[-3000:]}")
                # Wait for qemu to end or a second to pass, whichever is first, then read again.
                select.select([qemu.stderr], [], [], 1.0)
            self.fail(f"no login prompt within {timeout}s; serial log ends:\n{text[-3000:]}")
        finally:
            qemu.kill()
            qemu.wait()
            qemu.stderr.close()

    def booted(self, log, report):
        """The kernel the install chose ran with the root the fstab names, and systemd came up."""
        version = report["kernel"][len("/boot/vmlinuz-"):]
        self.assertIn("Linux version " + version, log)
        root_uuid = {v["target"]: v["uuid"] for v in report["volumes"]}["/"]
        self.assertIn(f"root=UUID={root_uuid}", log)
        self.assertRegex(log, r"login:|Reached target")

    def test_boot_in_qemu(self):
        rootfs = boot_rootfs.ensure_rootfs()
        layout = "disk vda gpt\npart bios_grub 1MiB\npart /boot/efi 64MiB vfat umask=0077\npart / rest ext4\n"
        self.capture("debian", rootfs, layout=layout, cmdline="console=ttyS0 systemd.show_status=1")
        disk = self.disk(size=2 * GIB)
        report = self.install("debian", "--disk", disk)
        self.assertTrue(report["kernel"].startswith("/boot/vmlinuz-"))
        start = time.monotonic()
        log = self.boot(disk, "bios", os.path.join(self.dir, "serial-bios.log"), timeout=240)
        self.booted(log, report)
        # The same disk boots with UEFI too (OVMF, from the ovmf package).
        log = self.boot(disk, "uefi", os.path.join(self.dir, "serial-uefi.log"), timeout=240)
        self.booted(log, report)
        self.assertLess(time.monotonic() - start, 480)


if __name__ == "__main__":
    unittest.main()
