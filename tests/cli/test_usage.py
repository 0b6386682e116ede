import os

from herd_cli import HerdTestCase


class UsageTest(HerdTestCase):
    init_args = None

    def test_help_lists_every_noun(self):
        out = self.ok("--help").out
        for noun in ["init", "node", "interface", "network", "appliance", "group", "attr", "nodeset", "report",
                     "sync", "inventory", "completion"]:
            self.assertIn(noun, out)

    def test_every_subcommand_has_help(self):
        for noun in ["node", "interface", "network", "appliance", "group", "attr", "inventory", "report", "sync"]:
            r = self.ok(noun, "--help")
            self.assertIn("Usage", r.out + r.err)

    def test_bad_usage_exits_2(self):
        self.bad("frobnicate")
        self.bad("node", "add")
        self.bad("node", "list", "--no-such-flag")

    def test_completion_script_is_valid_bash_and_knows_the_verbs(self):
        script = self.ok("completion", "bash").out
        path = os.path.join(self.dir, "herd.bash")
        with open(path, "w") as f:
            f.write(script)
        import subprocess
        probe = subprocess.run(["bash", "-c", f"source {path}; COMP_WORDS=(herd node ''); COMP_CWORD=2; _herd; "
                                "echo ${COMPREPLY[@]}"], capture_output=True, text=True)
        self.assertEqual(probe.returncode, 0, probe.stderr)
        for verb in ["add", "list", "show", "set", "remove", "rename"]:
            self.assertIn(verb, probe.stdout.split())
