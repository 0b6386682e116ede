#!/usr/bin/env python3
"""`herd nodeset` as a user runs it: stdin, errors and exit codes, --json, @groups, -l.

    HERD=path/to/herd python3 -m unittest cli_test

What ClusterShell also does is covered by differential_test.py; this covers the rest.
"""

import json
import os
import subprocess
import tempfile
import unittest

HERD = os.environ.get("HERD", "herd")


def herd(*args, stdin="", db=None):
    env = dict(os.environ)
    if db:
        env["HERD_DB"] = db
    return subprocess.run([HERD, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


class NodesetCliTest(unittest.TestCase):
    def test_reads_stdin_words_lines_and_comments(self):
        run = herd("nodeset", "-f", stdin="n1 n2 # n9 is a comment\n\tn5\r\nn[7-8]")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, "n[1-2,5,7-8]\n")  # the last line has no newline: read whole

    def test_dash_reads_stdin_once(self):
        run = herd("nodeset", "-f", "n1", "-", "-x", "-", stdin="n3\n")
        self.assertEqual(run.stdout, "n[1,3]\n")  # the second "-" is empty: no operation

    def test_syntax_error_names_the_column_and_exits_2(self):
        run = herd("nodeset", "-f", "n[1-3")
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr, "herd: nodeset: column 6: unclosed '['\n")
        self.assertEqual(run.stdout, "")

    def test_usage_errors(self):
        self.assertEqual(herd("nodeset", "n1").returncode, 2)  # no command
        self.assertEqual(herd("nodeset", "-f", "-e", "n1").returncode, 2)
        self.assertEqual(herd("nodeset", "-f", "n1", "-x").returncode, 2)
        self.assertEqual(herd("nodeset", "-f", "-z").returncode, 2)
        self.assertEqual(herd("nodeset", "-e", "--axis", "1", "n1").returncode, 2)

    def test_json(self):
        self.assertEqual(json.loads(herd("nodeset", "--json", "-e", "n[1-3]").stdout), ["n1", "n2", "n3"])
        self.assertEqual(json.loads(herd("--json", "nodeset", "-c", "n[1-3]").stdout), 3)
        self.assertEqual(json.loads(herd("nodeset", "--json", "-f", "n1", "n2").stdout), "n[1-2]")

    def test_separator_escapes(self):
        self.assertEqual(herd("nodeset", "-e", "-S", "\\n", "n[1-2]").stdout, "n1\nn2\n")
        self.assertEqual(herd("nodeset", "-e", "-S", "\\x2c", "n[1-2]").stdout, "n1,n2\n")

    def test_empty_set(self):
        self.assertEqual(herd("nodeset", "-f", "").stdout, "\n")
        self.assertEqual(herd("nodeset", "-c", "n1!n1").stdout, "0\n")

    def test_many_names_on_stdin(self):
        names = "\n".join(f"r{r}n{n:03d}" for r in range(4) for n in range(500) if (r * 7 + n) % 11)
        run = herd("nodeset", "-c", stdin=names)
        self.assertEqual(run.stdout, f"{len(names.splitlines())}\n")


class NodesetGroupsTest(unittest.TestCase):
    """@groups come from the inventory; without one, a group is an error."""

    def test_group_without_inventory_is_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            run = herd("nodeset", "-f", "@compute,n1", db=os.path.join(tmp, "none.db"))
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertIn("@compute", run.stderr)
            # '@' inside a name is no group, and wildcards match nothing without groups.
            self.assertEqual(herd("nodeset", "-f", "c@1,c@2", db=os.path.join(tmp, "none.db")).stdout, "c@[1-2]\n")
            self.assertEqual(herd("nodeset", "-f", "n*", db=os.path.join(tmp, "none.db")).stdout, "\n")

    def test_groups_from_the_inventory(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "herd.db")
            setup = herd("init", db=db)
            if setup.returncode != 0:
                self.skipTest(f"herd init failed: {setup.stderr}")
            setup = herd("group", "add", "gpu", "n[1-4]", db=db)
            if setup.returncode != 0:
                self.skipTest(f"herd group add failed: {setup.stderr}")
            self.assertEqual(herd("nodeset", "-f", "@gpu!n2", db=db).stdout, "n[1,3-4]\n")
            self.assertEqual(herd("nodeset", "-c", "@gpu", "-x", "n1", db=db).stdout, "3\n")
            listed = herd("nodeset", "-l", db=db)
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertIn("@gpu\n", listed.stdout)
            self.assertIn("@gpu n[1-4] 4\n", herd("nodeset", "-lll", db=db).stdout)
            self.assertEqual(herd("nodeset", "-ll", "n[3-9]", db=db).stdout.count("@gpu n[3-4]"), 1)
            self.assertEqual(herd("nodeset", "-f", "@nope", db=db).returncode, 2)


if __name__ == "__main__":
    unittest.main()
