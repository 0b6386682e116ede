from herd_cli import HerdTestCase


class SelectionTest(HerdTestCase):
    def setUp(self):
        super().setUp()
        for rack in range(3):
            self.ok("node", "add", f"compute-{rack}-[0-3]", "-a", "compute", "--rack", str(rack))
        self.ok("attr", "set", "gpu", "yes", "--rack", "1")
        self.ok("attr", "set", "gpu", "no", "--node", "compute-1-3")
        self.ok("attr", "set", "gpu", "yes", "--node", "compute-2-0")

    def names(self, *args):
        return [n["name"] for n in self.ok("node", "list", *args, "--json").json()]

    def test_where_with_fields_and_scoped_attributes(self):
        self.assertEqual(self.names("--where", 'appliance == "compute" and rack in (0, 1) and attr.gpu == "yes"'),
                         ["compute-1-0", "compute-1-1", "compute-1-2"])
        self.assertEqual(self.names("--where", "rank >= 3 and not rack == 0"), ["compute-1-3", "compute-2-3"])

    def test_where_errors_name_the_column_and_write_nothing(self):
        r = self.bad("node", "remove", "--where", "rack == ")
        self.assertIn("column", r.err)
        self.bad("node", "list", "--where", "colour == 'red'", expect="colour")
        self.assertEqual(len(self.names()), 13)

    def test_where_is_not_injectable(self):
        self.assertEqual(self.names("--where", "name == \"x' or '1'='1\""), [])

    def test_query_is_raw_read_only_sql(self):
        self.assertEqual(self.names("--query", "select name from nodes where rack = 2 and rank < 2"),
                         ["compute-2-0", "compute-2-1"])
        for sql in ["delete from nodes", "update nodes set rack = 7", "drop table nodes",
                    "select name from nodes; delete from nodes", "select value from secrets"]:
            self.bad("node", "list", "--query", sql)
        self.assertEqual(len(self.names()), 13)

    def test_selections_combine_by_intersection(self):
        self.assertEqual(self.names("@rack1", "--where", "rank > 1"), ["compute-1-2", "compute-1-3"])

    def test_a_selection_of_unknown_nodes_fails_before_anything_runs(self):
        self.bad("node", "set", "compute-0-[0-9]", "--cpus", "4", expect="unknown node(s): compute-0-[4-9]")
        self.assertEqual(self.ok("node", "show", "compute-0-0", "--json").json()["cpus"], 1)
        self.bad("node", "set", "--where", "rack == 9", "--cpus", "4", expect="matches no node")
