"""herd gather: `node: line` output from stdin, gathered like clubak -b (checked against
the real clubak on the same input) or ordered by node like clubak -L."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from herd_cli import HerdTestCase  # noqa: E402

# Interleaved as a parallel run prints it; n10 sorts after n2 in node set order.
INPUT = "".join(
    f"n{k}: {line}\n" for line in ("Linux 6.1", "up 3 days") for k in (10, 2, 1, 3)
) + "n3: extra\nn7: alone\n"


class Gather(HerdTestCase):
    init_args = None  # no inventory: gather reads stdin only

    def test_identical_outputs_once_under_their_folded_set(self):
        r = self.ok("gather", input=INPUT)
        self.assertEqual(r.out,
                         "---------------\nn[1-2,10] (3)\n---------------\nLinux 6.1\nup 3 days\n"
                         "---------------\nn3\n---------------\nLinux 6.1\nup 3 days\nextra\n"
                         "---------------\nn7\n---------------\nalone\n")
        self.assertFalse(os.path.exists(self.db), "gather does not touch an inventory")

    def test_same_text_as_clubak(self):
        # clubak keeps the text after ':' as it is, where herd (like dshbak) drops the one
        # space pdsh puts there; without that space both read the same lines.
        self.assertTrue(shutil.which("clubak"), "clubak (clustershell) is installed by scripts/setup")
        tight = INPUT.replace(": ", ":")
        for herd_args, clubak_args in ((["gather"], ["-b"]), (["gather", "-L"], ["-L"])):
            clubak = subprocess.run(["clubak", *clubak_args], input=tight, capture_output=True, text=True, check=True)
            self.assertEqual(self.ok(*herd_args, input=tight).out, clubak.stdout, herd_args)

    def test_ordered_and_json(self):
        r = self.ok("gather", "-L", input="b2: y\na1: x\nb2: z\n")
        self.assertEqual(r.out, "a1: x\nb2: y\nb2: z\n")
        groups = self.ok("--json", "gather", input=INPUT).json()
        self.assertEqual(groups[0], {"nodes": "n[1-2,10]", "count": 3, "lines": ["Linux 6.1", "up 3 days"]})
        self.assertEqual([g["nodes"] for g in groups], ["n[1-2,10]", "n3", "n7"])
        nodes = self.ok("--json", "gather", "-L", input="b2: y\na1: x\n").json()
        self.assertEqual(nodes, [{"node": "a1", "lines": ["x"]}, {"node": "b2", "lines": ["y"]}])

    def test_separator(self):
        r = self.ok("gather", "-S", "|", input="n1|a:b\nn2|a:b\n")
        self.assertEqual(r.out, "---------------\nn[1-2] (2)\n---------------\na:b\n")
        self.bad("gather", "-S", "::", input="n1::x\n", expect="-S ::: the separator is one character")

    def test_bad_line_is_named_and_nothing_is_printed(self):
        r = self.bad("gather", input="n1: fine\nn2 fine\n", expect="stdin line 2: no node before a ':'")
        self.assertEqual(r.out, "")

    def test_herd_run_output_round_trips(self):
        self.ok("init", "--subnet", "198.51.100.0/24", "--name", "test")
        self.ok("node", "add", "-a", "compute", "c[1-12]")
        live = self.ok("run", "-n", "--transport", "exec", "c[1-12]", "--",
                       "echo kernel; [ ${HERD_NODE#c} -gt 8 ] && echo new || echo old")
        gathered = self.ok("run", "-n", "-b", "--transport", "exec", "c[1-12]", "--",
                           "echo kernel; [ ${HERD_NODE#c} -gt 8 ] && echo new || echo old")
        self.assertEqual(self.ok("gather", input=live.out).out, gathered.out)


if __name__ == "__main__":
    unittest.main()
