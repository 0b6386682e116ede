"""The frontend's DHCP server is selectable: ISC dhcpd and Kea serve the nodes the
addresses the inventory gives them, from the files `herd sync config` writes."""
import os
import unittest

from lab_fixture import Lab


class DhcpServersTest(unittest.TestCase):
    def check_lab(self, dhcp):
        with Lab(nodes=2, dhcp=dhcp) as lab:
            status = lab.status()
            self.assertEqual(status.code, 0, status)
            inventory = lab.inventory()
            for member in status.json()["members"][1:]:
                mac, ip = inventory[member["name"]]
                self.assertEqual((member["mac"], member["address"], member["lease"]), (mac, ip, True), member)
                r = lab.ssh(member["name"], "hostname")
                self.assertEqual(r.out.strip(), member["name"], r)
            frontend = os.path.join(lab.labs, lab.name, "frontend")
            with open(os.path.join(frontend, "dhcp.conf")) as f:
                config = f.read()
            return frontend, config

    def test_isc_dhcpd(self):
        _, config = self.check_lab("dhcpd")
        self.assertIn("fixed-address", config)

    def test_kea(self):
        frontend, config = self.check_lab("kea")
        self.assertIn('"name": "%s/kea-leases4.csv"' % frontend, config)


if __name__ == "__main__":
    unittest.main()
