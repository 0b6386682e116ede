// What a node may read: closures of checkpoints/N and images/*, plus its own uploads, on a
// real store.
#include <gtest/gtest.h>

#include "server/node_access.h"
#include "store/snapshot.h"
#include "store/tree.h"
#include "temp_dir.h"

namespace herd::server {
namespace {

using store::Hash;
using store::ObjectType;

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::ObjectStore::init(dir_.path());
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
    refs_.emplace(dir_.path());
  }

  Hash blob(const std::string& text) { return *store_->put(ObjectType::blob, text); }
  Hash tree_of(const std::vector<std::pair<std::string, Hash>>& files) {
    store::Tree t;
    for (const auto& [name, content] : files) {
      store::TreeEntry e;
      e.name = name;
      e.mode = 0644;
      e.content = content;
      e.size = 1;
      t.entries.push_back(e);
    }
    return *store_->put(ObjectType::tree, store::encode_tree(t));
  }
  Hash snapshot_of(const Hash& tree, std::vector<Hash> parents = {}) {
    store::Snapshot s;
    s.tree = tree;
    s.parents = std::move(parents);
    s.message = "test";
    return *store_->put(ObjectType::snapshot, store::encode_snapshot(s));
  }
  void set_ref(const std::string& name, const Hash& value) {
    ASSERT_TRUE(store_->sync());
    auto old = refs_->read(name);
    ASSERT_TRUE(old);
    ASSERT_TRUE(refs_->compare_and_swap(name, *old, value));
  }
  ReadableView view(const std::string& node, const std::string& image = "base") {
    auto v = access_.view(*store_, *refs_, node, image);
    EXPECT_TRUE(v) << v.error().message;
    return std::move(*v);
  }

  testing::TempDir dir_;
  std::optional<store::ObjectStore> store_;
  std::optional<store::Refs> refs_;
  NodeAccess access_;
};

TEST_F(AccessTest, ANodeReadsItsHistoryAndItsImageOnly) {
  Hash a1 = blob("a's secret"), b1 = blob("b's secret"), i1 = blob("image file");
  Hash ta = tree_of({{"a", a1}}), tb = tree_of({{"b", b1}}), ti = tree_of({{"i", i1}});
  Hash sa = snapshot_of(ta), sb = snapshot_of(tb), si = snapshot_of(ti);
  set_ref("checkpoints/a", sa);
  set_ref("checkpoints/b", sb);
  set_ref("images/base/revisions/1", si);
  // Another image, with a secret of its own, and one whose name starts the same way.
  Hash g1 = blob("gpu munge key"), tg = tree_of({{"munge.key", g1}}), sg = snapshot_of(tg);
  set_ref("images/gpu/revisions/1", sg);
  Hash l1 = blob("baseline only"), tl = tree_of({{"l", l1}}), sl = snapshot_of(tl);
  set_ref("images/baseline/revisions/1", sl);
  // A capture and a rendered tree of a's own.
  Hash c1 = blob("captured"), tc = tree_of({{"c", c1}}), sc = snapshot_of(tc);
  set_ref("captures/a", sc);
  EXPECT_TRUE(view("a").may_read(c1));
  EXPECT_FALSE(view("b").may_read(c1));
  for (const Hash& h : {g1, tg, sg, l1, sl}) EXPECT_FALSE(view("a").may_read(h)) << "not a's image: " << h.hex();
  EXPECT_TRUE(view("b", "gpu").may_read(g1));
  EXPECT_FALSE(view("b", "gpu").may_read(i1));
  EXPECT_FALSE(view("d", "").may_read(i1)) << "no image assigned: no image readable";

  auto va = view("a");
  for (const Hash& h : {a1, ta, sa, i1, ti, si}) EXPECT_TRUE(va.may_read(h)) << h.hex();
  for (const Hash& h : {b1, tb, sb}) EXPECT_FALSE(va.may_read(h)) << h.hex();
  auto vb = view("b");
  EXPECT_TRUE(vb.may_read(b1));
  EXPECT_FALSE(vb.may_read(a1));
  // A node with no checkpoint yet still reads images.
  auto vc = view("c");
  EXPECT_TRUE(vc.may_read(si));
  EXPECT_FALSE(vc.may_read(sa));

  // Uploading proves possession.
  access_.note_uploads("a", {b1});
  EXPECT_TRUE(view("a").may_read(b1));
  EXPECT_FALSE(view("c").may_read(b1));
}

TEST_F(AccessTest, ClosuresFollowTheRef) {
  Hash a1 = blob("one"), ta = tree_of({{"f", a1}}), sa = snapshot_of(ta);
  set_ref("checkpoints/a", sa);
  EXPECT_TRUE(view("a").may_read(a1));
  Hash a2 = blob("two"), ta2 = tree_of({{"f", a2}}), sa2 = snapshot_of(ta2, {sa});
  EXPECT_FALSE(view("a").may_read(a2));
  set_ref("checkpoints/a", sa2);
  auto v = view("a");
  for (const Hash& h : {a1, ta, sa, a2, ta2, sa2}) EXPECT_TRUE(v.may_read(h)) << h.hex();
}

TEST_F(AccessTest, AnUpdateMayReachOnlyReadableObjects) {
  Hash b1 = blob("b's secret"), tb = tree_of({{"b", b1}}), sb = snapshot_of(tb);
  set_ref("checkpoints/b", sb);
  Hash i1 = blob("image"), ti = tree_of({{"i", i1}}), si = snapshot_of(ti);
  set_ref("images/base/revisions/1", si);

  // a uploads a tree pointing at b's blob, and a snapshot of it.
  Hash tx = tree_of({{"img", i1}, {"stolen", b1}}), sx = snapshot_of(tx);
  ASSERT_TRUE(store_->sync());
  access_.note_uploads("a", {tx, sx});
  auto va = view("a");
  auto missing = unreadable_reached(*store_, &va, sx, 100);
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_EQ(*missing, std::vector<Hash>{b1});
  // Pointing at b's snapshot itself.
  auto direct = unreadable_reached(*store_, &va, sb, 100);
  ASSERT_TRUE(direct);
  EXPECT_EQ(*direct, std::vector<Hash>{sb});
  // Once a proves it has the bytes, the update is fine.
  access_.note_uploads("a", {b1});
  auto now = unreadable_reached(*store_, &va, sx, 100);
  ASSERT_TRUE(now);
  EXPECT_TRUE(now->empty());
  // The admin is limited only by what the store has.
  Hash never = store::sha256("never stored");
  Hash absent = tree_of({{"gone", never}});
  Hash sy = snapshot_of(absent);
  ASSERT_TRUE(store_->sync());
  auto admin = unreadable_reached(*store_, nullptr, sy, 100);
  ASSERT_TRUE(admin) << admin.error().message;
  EXPECT_EQ(*admin, std::vector<Hash>{never});
  auto nothing = unreadable_reached(*store_, nullptr, Hash{}, 100);
  ASSERT_TRUE(nothing);
  EXPECT_EQ(*nothing, std::vector<Hash>{Hash{}});
}

TEST_F(AccessTest, AnUpdateMustNameASnapshot) {
  Hash b = blob("just a blob");
  ASSERT_TRUE(store_->sync());
  auto r = unreadable_reached(*store_, nullptr, b, 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
}

}  // namespace
}  // namespace herd::server
