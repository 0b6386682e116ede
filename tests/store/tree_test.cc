// Tree encoding: every valid tree round-trips byte for byte; anything a decoder is given
// that breaks a rule is rejected with a message naming the tree and the entry.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "store/tree.h"
#include "store_fixture.h"

namespace herd::store {
namespace {

Hash some_hash(int n) { return sha256(std::to_string(n)); }

TreeEntry file(const std::string& name, int n = 1) {
  TreeEntry e;
  e.name = name;
  e.type = EntryType::file;
  e.mode = 0644;
  e.size = 10;
  e.content = some_hash(n);
  return e;
}

// A random entry that satisfies every rule (names are made unique by the caller).
rc::Gen<TreeEntry> valid_entry() {
  return rc::gen::exec([] {
    TreeEntry e;
    e.type = static_cast<EntryType>(*rc::gen::inRange(1, 8));
    e.mode = *rc::gen::inRange<uint32_t>(0, 07777 + 1);
    e.uid = *rc::gen::arbitrary<uint32_t>();
    e.gid = *rc::gen::arbitrary<uint32_t>();
    e.user = *rc::gen::container<std::string>(rc::gen::inRange('a', static_cast<char>('z' + 1)));
    e.group = *rc::gen::container<std::string>(rc::gen::inRange('a', static_cast<char>('z' + 1)));
    e.mtime_ns = *rc::gen::arbitrary<int64_t>();
    auto xattr_count = *rc::gen::inRange(0, 3);
    for (int i = 0; i < xattr_count; ++i)
      e.xattrs["user.k" + std::to_string(*rc::gen::inRange(0, 9))] = *rc::gen::arbitrary<std::string>();
    switch (e.type) {
      case EntryType::file:
        e.size = *rc::gen::arbitrary<uint64_t>();
        e.content = Hash{*rc::gen::arbitrary<std::array<uint8_t, 32>>()};
        e.content.bytes[0] |= 1;  // never zero
        e.hardlink_group = *rc::gen::arbitrary<uint32_t>();
        break;
      case EntryType::folder:
        e.content = some_hash(*rc::gen::arbitrary<int>());
        break;
      case EntryType::symlink:
        e.link_target = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange(' ', '~')));
        e.size = e.link_target.size();
        break;
      case EntryType::char_device:
      case EntryType::block_device:
        e.rdev = *rc::gen::arbitrary<uint64_t>();
        break;
      default: break;
    }
    return e;
  });
}

RC_GTEST_PROP(Tree, RoundTrip, ()) {
  auto names = *rc::gen::container<std::set<std::string>>(
      rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange(static_cast<char>(1), static_cast<char>(127)))));
  Tree tree;
  for (const auto& name : names) {
    if (!valid_entry_name(name)) continue;
    TreeEntry e = *valid_entry();
    e.name = name;
    tree.entries.push_back(e);
  }
  RC_ASSERT(check_tree(tree, "t").ok());
  std::string bytes = encode_tree(tree);
  auto decoded = decode_tree(bytes, "t");
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == tree);
  RC_ASSERT(encode_tree(*decoded) == bytes);
}

TEST(Tree, EntryNames) {
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"), std::string("/"),
                          std::string("a\0b", 3), std::string(256, 'x')})
    EXPECT_FALSE(valid_entry_name(bad)) << bad;
  for (std::string good : {std::string("a"), std::string("..."), std::string(".hidden"), std::string("a b"), std::string("ü"), std::string(255, 'x')}) EXPECT_TRUE(valid_entry_name(good)) << good;
}

void expect_rejected(const Tree& tree, const std::string& needle) {
  auto checked = check_tree(tree, "tree T");
  ASSERT_FALSE(checked) << needle;
  EXPECT_EQ(checked.error().kind, ErrorKind::bad_input);
  auto decoded = decode_tree(encode_tree(tree), "tree T");
  ASSERT_FALSE(decoded) << needle;
  EXPECT_EQ(decoded.error().kind, ErrorKind::bad_input);
  EXPECT_EQ(decoded.error().message.rfind("tree T: ", 0), 0u) << decoded.error().message;
  EXPECT_NE(decoded.error().message.find(needle), std::string::npos) << decoded.error().message;
}

TEST(Tree, DecodeRejectsBadNames) {
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a/b"), std::string("a\0b", 3)})
    expect_rejected(Tree{{file(bad)}}, "bad name");
}

TEST(Tree, DecodeRejectsUnsortedAndDuplicateEntries) {
  expect_rejected(Tree{{file("b"), file("a")}}, "strictly increasing");
  expect_rejected(Tree{{file("a"), file("a")}}, "strictly increasing");
  EXPECT_TRUE(decode_tree(encode_tree(Tree{{file("A"), file("a"), file("b")}}), "t"));
}

TEST(Tree, DecodeRejectsInconsistentFields) {
  auto with = [](auto change) {
    TreeEntry e = file("x");
    change(e);
    return Tree{{e}};
  };
  expect_rejected(with([](TreeEntry& e) { e.type = static_cast<EntryType>(9); }), "unknown type 9");
  expect_rejected(with([](TreeEntry& e) { e.type = static_cast<EntryType>(0); }), "unknown type 0");
  expect_rejected(with([](TreeEntry& e) { e.mode = 010644; }), "mode");
  expect_rejected(with([](TreeEntry& e) { e.content = Hash{}; }), "without content");
  expect_rejected(with([](TreeEntry& e) { e.link_target = "/etc"; }), "symlink target");
  expect_rejected(with([](TreeEntry& e) { e.rdev = 5; }), "device number");
  expect_rejected(with([](TreeEntry& e) { e.user = std::string("r\0t", 3); }), "user");
  expect_rejected(with([](TreeEntry& e) { e.xattrs[""] = "v"; }), "xattr");
  expect_rejected(with([](TreeEntry& e) {
                    e.type = EntryType::symlink;
                    e.content = Hash{};
                    e.link_target = "target";
                    e.size = 3;
                  }),
                  "symlink size");
  expect_rejected(with([](TreeEntry& e) {
                    e.type = EntryType::fifo;
                    e.size = 0;
                  }),
                  "fifo with a content hash");
  expect_rejected(with([](TreeEntry& e) {
                    e.type = EntryType::folder;
                    e.size = 0;
                    e.hardlink_group = 2;
                  }),
                  "hardlink group");
}

TEST(Tree, DecodeRejectsTruncationTrailingBytesAndOtherVersions) {
  TreeEntry link;
  link.name = "link";
  link.type = EntryType::symlink;
  link.link_target = "../x";
  link.size = 4;
  TreeEntry device;
  device.name = "sda";
  device.type = EntryType::block_device;
  device.rdev = 0x800;
  Tree tree{{file("a"), link, device}};
  tree.entries[0].xattrs["security.selinux"] = "system_u:object_r:etc_t:s0";
  std::string bytes = encode_tree(tree);
  ASSERT_TRUE(decode_tree(bytes, "t"));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto d = decode_tree(bytes.substr(0, n), "tree T");
    ASSERT_FALSE(d) << "accepted a prefix of " << n << " bytes";
    EXPECT_EQ(d.error().message.rfind("tree T: bad tree: ", 0), 0u) << d.error().message;
  }
  EXPECT_FALSE(decode_tree(bytes + '\0', "t"));
  std::string v2 = bytes;
  v2[0] = 2;
  auto d = decode_tree(v2, "t");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("unknown version 2"), std::string::npos);
  // A count claiming more entries than the bytes can hold is refused before allocating.
  std::string huge = bytes;
  huge[1] = huge[2] = huge[3] = huge[4] = '\xff';
  EXPECT_FALSE(decode_tree(huge, "t"));
}

TEST(Tree, DecodeRejectsUnsortedXattrs) {
  Tree tree{{file("a")}};
  tree.entries[0].xattrs = {{"user.a", "1"}, {"user.b", "2"}};
  std::string bytes = encode_tree(tree);
  size_t a = bytes.find("user.a"), b = bytes.find("user.b");
  ASSERT_NE(a, std::string::npos);
  bytes[a + 5] = 'b';
  bytes[b + 5] = 'a';
  auto d = decode_tree(bytes, "t");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("xattr names are not strictly increasing"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace herd::store
