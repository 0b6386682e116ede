import json
import os

from herd_cli import HerdTestCase


class InitTest(HerdTestCase):
    def test_init_creates_frontend_network_and_appliances(self):
        nodes = self.ok("node", "list", "--json").json()
        self.assertEqual([n["name"] for n in nodes], ["frontend"])
        self.assertEqual(nodes[0]["interfaces"][0]["ip"], "198.51.100.1")
        self.assertEqual([a["name"] for a in self.ok("appliance", "list", "--json").json()], ["compute", "frontend"])
        net = self.ok("network", "show", "private", "--json").json()
        self.assertEqual((net["address"], net["prefix"], net["pxe"]), ("198.51.100.0", 24, True))

    def test_init_twice_is_refused(self):
        self.bad("init", expect="already exists")

    def test_bad_subnet_writes_nothing(self):
        other = os.path.join(self.dir, "other.db")
        self.bad("--db", other, "init", "--subnet", "198.51.100.7/24", expect="host bits")
        self.assertFalse(os.path.exists(other))

    def test_missing_inventory_says_how_to_make_one(self):
        self.bad("--db", os.path.join(self.dir, "nothing.db"), "node", "list", expect="herd init")


class NodeTest(HerdTestCase):
    def test_bulk_add_assigns_names_ranks_and_addresses_down_from_the_top(self):
        r = self.ok("node", "add", "compute-0-[0-63]", "--appliance", "compute", "--rack", "0", "--network", "private")
        self.assertIn("added 64 node(s): compute-0-[0-63]", r.err)
        nodes = {n["name"]: n for n in self.ok("node", "list", "--json").json()}
        self.assertEqual(nodes["compute-0-0"]["interfaces"][0]["ip"], "198.51.100.254")
        self.assertEqual(nodes["compute-0-63"]["interfaces"][0]["ip"], "198.51.100.191")
        self.assertEqual(nodes["compute-0-17"]["rank"], 17)

    def test_ip_order_up(self):
        self.ok("node", "add", "n[1-2]", "-a", "compute", "--network", "private", "--ip-order", "up")
        self.assertEqual(self.ok("node", "show", "n1", "--json").json()["interfaces"][0]["ip"], "198.51.100.2")

    def test_count_generates_rocks_names_from_the_next_free_rank(self):
        self.ok("node", "add", "compute-1-[0-1]", "-a", "compute")
        self.ok("node", "add", "--count", "3", "-a", "compute", "--rack", "1")
        names = [n["name"] for n in self.ok("node", "list", "@rack1", "--json").json()]
        self.assertEqual(names, ["compute-1-0", "compute-1-1", "compute-1-2", "compute-1-3", "compute-1-4"])

    def test_duplicate_or_bad_input_writes_nothing(self):
        self.ok("node", "add", "c[1-3]", "-a", "compute", "--network", "private")
        before = self.snapshot()
        self.bad("node", "add", "c[3-5]", "-a", "compute", expect="already exist: c3")
        self.bad("node", "add", "d[1-2]", "-a", "compute", "--network", "private", "--mac", "aa:bb:cc:dd:ee:01",
                 expect="1 MAC(s) given for 2 node(s)")
        self.bad("node", "add", "d[1-2", "-a", "compute", expect="column")
        self.bad("node", "add", "d1", "-a", "nosuch", expect="unknown appliance 'nosuch'")
        self.bad("node", "add", "d1", "-a", "compute", "--network", "private", "--ip", "203.0.113.9",
                 expect="not a host address")
        self.bad("node", "set", "c1", "--cpus", "0", expect="cpus must be at least 1")
        self.bad("node", "remove", "c[1-2],ghost", expect="unknown node(s): ghost")
        self.assertEqual(before, self.snapshot())

    def test_show_set_rename_remove(self):
        self.ok("node", "add", "compute-0-[0-1]", "-a", "compute", "--network", "private")
        self.ok("node", "set", "compute-0-[0-1]", "--cpus", "32", "--boot-action", "install", "--comment", "new")
        shown = self.ok("node", "show", "compute-0-1", "--json").json()
        self.assertEqual((shown["cpus"], shown["boot_action"], shown["comment"]), (32, "install", "new"))
        text = self.ok("node", "show", "compute-0-1").out
        self.assertIn("boot action: install", text)
        self.ok("node", "rename", "compute-0-1", "gpu-0-1")
        self.bad("node", "show", "compute-0-1", expect="unknown node 'compute-0-1'")
        self.ok("node", "remove", "gpu-0-1")
        self.assertEqual([n["name"] for n in self.ok("node", "list", "--json").json()], ["compute-0-0", "frontend"])

    def test_list_is_a_table_with_a_header(self):
        self.ok("node", "add", "c1", "-a", "compute", "--network", "private")
        lines = self.ok("node", "list").out.splitlines()
        self.assertTrue(lines[0].startswith("NAME"))
        self.assertTrue(lines[1].startswith("c1 "))


class InterfaceNetworkApplianceTest(HerdTestCase):
    def test_interfaces(self):
        self.ok("node", "add", "c1", "-a", "compute")
        self.ok("network", "add", "ib", "203.0.113.0/24", "--mtu", "65520", "--zone", "ib.local")
        self.ok("interface", "add", "c1", "ib0", "--network", "ib", "--ip-order", "up", "--mac", "02:00:00:00:00:01")
        self.ok("interface", "add", "c1", "eth0", "--network", "private", "--ip", "198.51.100.50", "--alias", "c1-mgmt")
        rows = self.ok("interface", "list", "c1", "--json").json()
        self.assertEqual([(i["device"], i["ip"]) for i in rows], [("eth0", "198.51.100.50"), ("ib0", "203.0.113.1")])
        self.bad("interface", "add", "c1", "eth1", "--network", "private", "--ip", "198.51.100.50",
                 expect="already used by c1 eth0")
        self.bad("interface", "add", "c1", "eth1", "--mac", "02:00:00:00:00:01", expect="already belongs to c1 ib0")
        self.ok("interface", "set", "c1", "ib0", "--vlan", "12")
        self.assertEqual(self.ok("interface", "list", "c1", "--json").json()[1]["vlan"], 12)
        self.bad("network", "remove", "ib", expect="used by 1 interface")
        self.ok("interface", "remove", "c1", "ib0")
        self.ok("network", "remove", "ib")

    def test_network_validation(self):
        self.bad("network", "add", "x", "203.0.113.0/24", "--gateway", "198.51.100.1", expect="gateway")
        self.bad("network", "add", "x", "203.0.113.0/24", "--dynamic", "203.0.113.9", expect="START-END")
        self.bad("network", "add", "x", "203.0.113.0/24", "--mtu", "20", expect="MTU")
        self.ok("network", "add", "x", "203.0.113.0/24", "--dynamic", "203.0.113.100-203.0.113.200", "--pxe", "yes")
        self.assertEqual(self.ok("network", "show", "x", "--json").json()["dynamic_end"], "203.0.113.200")
        self.ok("network", "set", "x", "--rename", "y", "--mtu", "9000")
        self.assertEqual(self.ok("network", "show", "y", "--json").json()["mtu"], 9000)

    def test_appliances(self):
        self.ok("appliance", "add", "login", "--description", "Login node")
        self.ok("node", "add", "login-0-0", "-a", "login")
        self.bad("appliance", "remove", "login", expect="used by 1 node")
        self.ok("appliance", "set", "login", "--rename", "gateway")
        self.assertEqual(self.ok("node", "show", "login-0-0", "--json").json()["appliance"], "gateway")


class AttrTest(HerdTestCase):
    def test_scopes_blame_and_secrets(self):
        self.ok("node", "add", "compute-0-[0-1]", "-a", "compute")
        self.ok("attr", "set", "slurm.partition", "all")
        self.ok("attr", "set", "slurm.partition", "batch", "--appliance", "compute")
        self.ok("attr", "set", "slurm.partition", "debug", "--node", "compute-0-1")
        self.ok("attr", "set", "bmc.password", "hunter2", "--secret")
        blame = self.ok("attr", "list", "compute-0-1", "--blame").out
        self.assertRegex(blame, r"slurm\.partition\s+debug\s+node compute-0-1")
        blame = self.ok("attr", "list", "compute-0-0", "--blame", "--json").json()
        part = [a for a in blame if a["name"] == "slurm.partition"][0]
        self.assertEqual((part["value"], part["scope"], part["target"]), ("batch", "appliance", "compute"))
        everything = self.ok("attr", "list").out + self.ok("attr", "list", "compute-0-0").out + \
            self.ok("node", "show", "compute-0-0").out + self.ok("attr", "list", "--json").out
        self.assertNotIn("hunter2", everything)
        self.assertIn("hunter2", self.ok("attr", "list", "--secrets").out)
        self.ok("attr", "unset", "slurm.partition", "--node", "compute-0-1")
        self.assertIn("batch", self.ok("attr", "list", "compute-0-1").out)
        self.bad("attr", "set", "x", "1", "--node", "a", "--rack", "1", expect="give one of")
        self.bad("attr", "unset", "nosuch", expect="not set")


class GroupTest(HerdTestCase):
    def test_groups_are_usable_everywhere(self):
        self.ok("node", "add", "compute-0-[0-7]", "-a", "compute")
        self.ok("group", "add", "gpu", "compute-0-[2-3]")
        self.assertEqual([n["name"] for n in self.ok("node", "list", "@gpu", "--json").json()],
                         ["compute-0-2", "compute-0-3"])
        self.ok("node", "set", "@gpu", "--comment", "has gpus")
        self.assertEqual(self.ok("node", "show", "compute-0-3", "--json").json()["comment"], "has gpus")
        self.bad("group", "add", "compute", "x", expect="appliance of that name")
        self.bad("node", "list", "@nosuch", expect="unknown group '@nosuch'")


class CsvTest(HerdTestCase):
    def test_export_import_round_trip(self):
        self.ok("node", "add", "compute-0-[0-15]", "-a", "compute", "--network", "private")
        self.ok("group", "add", "half", "compute-0-[0-7]")
        self.ok("attr", "set", "gpu", "yes", "--rack", "0")
        out = os.path.join(self.dir, "csv")
        self.ok("inventory", "export", out)
        before = self.snapshot()
        self.ok("node", "remove", "compute-0-[0-15]")
        self.ok("inventory", "import", out)
        self.assertEqual(before, self.snapshot())
        with open(os.path.join(out, "nodes.csv"), "a") as f:
            f.write("broken,compute,zero,0,x86_64,linux,1,os,\n")
        self.bad("inventory", "import", out, expect="nodes.csv: line 19: rack 'zero' is not an integer")
        self.assertEqual(before, self.snapshot())
