// Overrides: layering by scope (global < appliance < rack < node), templates rendered
// with a node's inventory data, the merge into the image's tree (image folders keep their
// metadata, untouched subtrees are shared), bad input refused with nothing set, and a
// deploy that applies override files over preserved paths.
#include "image/overrides/node_overrides.h"
#include "image/overrides/override_refs.h"
#include "image_fixture.h"
#include "inventory_fixture.h"
#include "inventory/schema.h"
#include "store/file_content.h"

namespace herd::image::testing {
namespace {

class OverrideTest : public ImageFixture {
 protected:
  OverrideTest() : refs_(dir_.path() + "/store") {
    db_ = must(inventory::open_sqlite(dir_.path() + "/herd.db", true));
    must(inventory::migrate(*db_));
    inv_ = std::make_unique<inventory::Inventory>(*db_);
    herd::testing::add_private_network(*inv_);
    must(inv_->add_appliance({"compute", "", ""}));
    must(inv_->add_appliance({"login", "", ""}));
    inventory::NodeTemplate t;
    t.appliance = "compute";
    t.network = "private";
    must(inv_->add_nodes({"compute-0-0", "compute-0-1", "compute-1-0"}, t));
    t.appliance = "login";
    must(inv_->add_nodes({"login-0-0"}, t));
    inventory::Attribute a;
    a.scope = inventory::Scope::appliance;
    a.target = "compute";
    a.name = "slurm.partition";
    a.value = "batch";
    must(inv_->set_attribute(a));
  }

  std::string overlay(const std::string& name) { return dir_.path() + "/overlays/" + name; }

  StoredOverride set(OverrideLevel level, const std::string& name, const std::string& folder) {
    return must(set_override(*store_, refs_, must(make_override_scope(level, name)), folder, SetOverride{"test", "t@t"}));
  }

  NodeOverrides effective(const std::string& node, const Revision& r) {
    return must(node_overrides(*store_, refs_, *inv_, node, r.snapshot.tree));
  }

  std::string file_in(const store::Hash& tree, const std::string& path) {
    track::StoredTrees trees(*store_);
    auto found = must(trees.find(tree, path));
    if (!found) return "<none>";
    return must(store::read_content(*store_, found->entry.content));
  }

  std::optional<store::TreeEntry> entry_in(const store::Hash& tree, const std::string& path) {
    track::StoredTrees trees(*store_);
    auto found = must(trees.find(tree, path));
    if (!found) return std::nullopt;
    return found->entry;
  }

  Revision base_image() {
    write(golden() + "/etc/motd", "image\n");
    write(golden() + "/etc/fstab", "image fstab\n");
    write(golden() + "/usr/bin/tool", "tool\n", 0755);
    folder(golden() + "/etc", 0750);
    set_mtime(golden() + "/etc");
    return capture("base");
  }

  store::Refs refs_;
  std::unique_ptr<inventory::Database> db_;
  std::unique_ptr<inventory::Inventory> inv_;
};

TEST_F(OverrideTest, NoLayerMeansTheImageTreeItself) {
  auto r = base_image();
  auto e = effective("compute-0-0", r);
  EXPECT_EQ(e.tree, r.snapshot.tree);
  EXPECT_TRUE(e.layers.empty());
  EXPECT_TRUE(e.paths.empty());
}

TEST_F(OverrideTest, LaterScopesWinPathByPath) {
  auto r = base_image();
  write(overlay("global") + "/etc/motd", "global\n");
  write(overlay("global") + "/etc/issue", "global issue\n");
  write(overlay("compute") + "/etc/motd", "compute\n");
  write(overlay("rack1") + "/etc/motd", "rack 1\n");
  write(overlay("c01") + "/etc/motd", "compute-0-1\n");
  set(OverrideLevel::global, "", overlay("global"));
  set(OverrideLevel::appliance, "compute", overlay("compute"));
  set(OverrideLevel::rack, "1", overlay("rack1"));
  set(OverrideLevel::node, "compute-0-1", overlay("c01"));

  EXPECT_EQ(file_in(effective("login-0-0", r).tree, "/etc/motd"), "global\n");
  EXPECT_EQ(file_in(effective("compute-0-0", r).tree, "/etc/motd"), "compute\n");
  EXPECT_EQ(file_in(effective("compute-1-0", r).tree, "/etc/motd"), "rack 1\n");
  auto c01 = effective("compute-0-1", r);
  EXPECT_EQ(file_in(c01.tree, "/etc/motd"), "compute-0-1\n");
  EXPECT_EQ(file_in(c01.tree, "/etc/issue"), "global issue\n") << "what later layers do not name stays";
  EXPECT_EQ(file_in(c01.tree, "/etc/fstab"), "image fstab\n");
  EXPECT_EQ(c01.layers.size(), 3u) << "global, appliance and node (rack 0 has none)";
  EXPECT_EQ(c01.paths, (std::vector<std::string>{"/etc/issue", "/etc/motd"}));
  for (const auto& e : c01.entries) {
    if (e.path == "/etc/motd") {
      EXPECT_EQ(e.scope.text(), "node compute-0-1");
    }
  }
}

TEST_F(OverrideTest, TemplatesAreRenderedWithTheNodesData) {
  auto r = base_image();
  write(overlay("compute") + "/etc/hostname.mustache", "{{node.name}}\n");
  write(overlay("compute") + "/etc/site.conf.mustache",
        "{{node.name}} {{node.ip}} {{node.attr.slurm_partition}}"
        "{{#node.interfaces}} {{device}}={{ip}}{{/node.interfaces}}\n",
        0600);
  set(OverrideLevel::appliance, "compute", overlay("compute"));
  auto node = must(inv_->node("compute-0-1"));
  auto e = effective("compute-0-1", r);
  EXPECT_EQ(file_in(e.tree, "/etc/hostname"), "compute-0-1\n");
  std::string ip = node.interfaces.at(0).ip;
  EXPECT_EQ(file_in(e.tree, "/etc/site.conf"),
            fmt::format("compute-0-1 {} batch eth0={}\n", ip, ip));
  EXPECT_EQ(file_in(e.tree, "/etc/hostname.mustache"), "<none>") << "written without the suffix";
  auto conf = entry_in(e.tree, "/etc/site.conf");
  ASSERT_TRUE(conf);
  EXPECT_EQ(conf->mode, 0600u) << "the template's metadata";
  EXPECT_EQ(conf->size, file_in(e.tree, "/etc/site.conf").size());
  EXPECT_EQ(file_in(effective("compute-0-0", r).tree, "/etc/hostname"), "compute-0-0\n");
}

TEST_F(OverrideTest, TheImagesFoldersKeepTheirMetadataAndUntouchedSubtreesAreShared) {
  auto r = base_image();
  write(overlay("compute") + "/etc/motd", "compute\n");
  folder(overlay("compute") + "/etc", 0777);
  write(overlay("compute") + "/opt/site/run", "run\n", 0700);
  folder(overlay("compute") + "/opt", 0711);
  set(OverrideLevel::appliance, "compute", overlay("compute"));
  auto e = effective("compute-0-0", r);
  EXPECT_EQ(entry_in(e.tree, "/etc")->mode, 0750u) << "the image's /etc, not the override folder's";
  EXPECT_EQ(entry_in(e.tree, "/opt")->mode, 0711u) << "a folder the image lacks comes with the override's metadata";
  EXPECT_EQ(entry_in(e.tree, "/usr")->content, entry_in(r.snapshot.tree, "/usr")->content) << "shared";
  EXPECT_EQ(e.paths, (std::vector<std::string>{"/etc/motd", "/opt", "/opt/site", "/opt/site/run"}));
}

TEST_F(OverrideTest, AFileInALaterLayerReplacesAFolderOfAnEarlierOne) {
  auto r = base_image();
  write(overlay("global") + "/etc/conf.d/a", "a\n");
  write(overlay("c00") + "/etc/conf.d", "a file now\n");
  set(OverrideLevel::global, "", overlay("global"));
  set(OverrideLevel::node, "compute-0-0", overlay("c00"));
  auto e = effective("compute-0-0", r);
  EXPECT_EQ(file_in(e.tree, "/etc/conf.d"), "a file now\n");
  EXPECT_EQ(e.paths, (std::vector<std::string>{"/etc/conf.d"}));
}

TEST_F(OverrideTest, BadOverridesAreRefusedAndNothingIsSet) {
  auto r = base_image();
  auto scope = must(make_override_scope(OverrideLevel::appliance, "compute"));
  write(overlay("both") + "/etc/hosts", "plain\n");
  write(overlay("both") + "/etc/hosts.mustache", "{{node.name}}\n");
  auto both = set_override(*store_, refs_, scope, overlay("both"), {});
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().kind, ErrorKind::bad_input);
  EXPECT_NE(both.error().message.find("/etc/hosts and /etc/hosts.mustache"), std::string::npos) << both.error().message;

  write(overlay("broken") + "/etc/motd.mustache", "hello\n{{#node}}unclosed\n");
  auto broken = set_override(*store_, refs_, scope, overlay("broken"), {});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, ErrorKind::bad_input);
  EXPECT_NE(broken.error().message.find("motd.mustache"), std::string::npos) << broken.error().message;

  auto missing = set_override(*store_, refs_, scope, overlay("nonexistent"), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  EXPECT_FALSE(must(refs_.read(scope.ref()))) << "nothing was set";

  EXPECT_FALSE(make_override_scope(OverrideLevel::rack, "x1"));
  EXPECT_FALSE(make_override_scope(OverrideLevel::node, "../etc"));
  EXPECT_FALSE(make_override_scope(OverrideLevel::appliance, ""));
  EXPECT_FALSE(parse_override_ref("overrides/shelf/1"));
  EXPECT_EQ(must(parse_override_ref("overrides/rack/2")).text(), "rack 2");
  EXPECT_EQ(effective("compute-0-0", r).tree, r.snapshot.tree);
}

TEST_F(OverrideTest, AFolderOverASymlinkOfTheImageIsRefused) {
  folder(golden() + "/usr/lib");
  ASSERT_EQ(::symlink("usr/lib", (golden() + "/lib").c_str()), 0);
  auto r = capture("merged-usr");
  write(overlay("lib") + "/lib/modprobe.d/site.conf", "options x y\n");
  set(OverrideLevel::global, "", overlay("lib"));
  auto e = node_overrides(*store_, refs_, *inv_, "compute-0-0", r.snapshot.tree);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("/lib is a symlink in the image"), std::string::npos) << e.error().message;
}

TEST_F(OverrideTest, SettingTheSameTreeAgainMakesNoNewSnapshotAndRemoveDropsIt) {
  write(overlay("g") + "/etc/motd", "g\n");
  auto first = set(OverrideLevel::global, "", overlay("g"));
  auto again = set(OverrideLevel::global, "", overlay("g"));
  EXPECT_EQ(first.id, again.id);
  EXPECT_EQ(must(list_overrides(*store_, refs_)).size(), 1u);
  must(remove_override(*store_, refs_, first.scope));
  EXPECT_TRUE(must(list_overrides(*store_, refs_)).empty());
  auto twice = remove_override(*store_, refs_, first.scope);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::bad_input);
}

TEST_F(OverrideTest, ADeployAppliesOverrideFilesOverPreservedPaths) {
  auto r = base_image();
  must(deploy_to(node(), r));
  write(in(node(), "/etc/fstab"), "the node's own\n");
  write(overlay("c00") + "/etc/fstab.mustache", "# {{node.name}}\nLABEL=root / ext4 defaults 0 1\n");
  set(OverrideLevel::node, "compute-0-0", overlay("c00"));
  auto e = effective("compute-0-0", r);
  auto target = target_of(r);
  target.tree = e.tree;
  target.overrides = e.paths;
  auto local = store::local_object_source(*store_);
  must(deploy(node(), *local, target, {}));
  EXPECT_EQ(read(in(node(), "/etc/fstab")), "# compute-0-0\nLABEL=root / ext4 defaults 0 1\n");
  EXPECT_EQ(read(in(node(), "/etc/motd")), "image\n");

  // Without the override, the preserved file is the node's again to keep.
  write(in(node(), "/etc/fstab"), "edited by hand\n");
  must(deploy(node(), *local, target_of(r), {}));
  EXPECT_EQ(read(in(node(), "/etc/fstab")), "edited by hand\n");
}

}  // namespace
}  // namespace herd::image::testing
