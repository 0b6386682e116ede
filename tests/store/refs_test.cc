// Refs: names, compare-and-swap under the lock, and no lost update among processes.
#include <sys/wait.h>

#include "store_fixture.h"

namespace herd::store::testing {
namespace {

Hash counter_value(uint64_t n) {
  Hash h;
  for (int i = 0; i < 8; ++i) h.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
  h.bytes[31] = 1;  // never zero
  return h;
}
uint64_t counter_of(const Hash& h) {
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t{h.bytes[static_cast<size_t>(i)]} << (8 * i);
  return n;
}

TEST(RefNames, Rules) {
  for (std::string good : {std::string("images/base"), std::string("nodes/compute-0-0/checkpoints"), std::string("a"),
                           std::string("A_b.c-d"), std::string("x/y.z"), std::string("a..b"), std::string(200, 'x')})
    EXPECT_TRUE(valid_ref_name(good)) << good;
  for (std::string bad : {std::string(""), std::string("/a"), std::string("a/"), std::string("a//b"), std::string("."),
                          std::string(".."), std::string("a/../b"), std::string(".lock"), std::string("a/.hidden"),
                          std::string("a b"), std::string("a\0b", 3), std::string("ü"), std::string(201, 'x'),
                          std::string(1025, 'x')})
    EXPECT_FALSE(valid_ref_name(bad)) << bad;
}

TEST_F(StoreTest, ReadCompareAndSwapRemove) {
  EXPECT_EQ(must(refs.read("images/base")), std::nullopt);
  Hash one = sha256("1"), two = sha256("2");
  ASSERT_TRUE(refs.compare_and_swap("images/base", std::nullopt, one));
  EXPECT_EQ(must(refs.read("images/base")), one);
  EXPECT_EQ(read_raw(root + "/refs/images/base"), one.hex() + "\n");

  auto conflict = refs.compare_and_swap("images/base", std::nullopt, two);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().message, fmt::format("ref conflict: images/base is {}, expected absent", one.hex()));
  auto stale = refs.compare_and_swap("images/base", two, one);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().message.rfind("ref conflict: images/base is " + one.hex(), 0), 0u);

  ASSERT_TRUE(refs.compare_and_swap("images/base", one, two));
  EXPECT_EQ(must(refs.read("images/base")), two);
  EXPECT_FALSE(refs.remove("images/base", one));
  ASSERT_TRUE(refs.remove("images/base", two));
  EXPECT_EQ(must(refs.read("images/base")), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(root + "/refs/images")) << "empty folders go with their last ref";
  auto absent = refs.remove("images/base", two);
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().message.find("is absent"), std::string::npos);
}

TEST_F(StoreTest, TheLongestNameWorks) {
  std::string name = std::string(200, 'a') + "/" + std::string(200, 'b') + "/" + std::string(200, 'c');
  ASSERT_TRUE(valid_ref_name(name));
  ASSERT_TRUE(refs.compare_and_swap(name, std::nullopt, sha256("x")));  // its temporary file fits NAME_MAX too
  EXPECT_EQ(must(refs.read(name)), sha256("x"));
}

TEST_F(StoreTest, BadNamesAreBadInput) {
  for (const char* bad : {"../escape", "a/./b", "", "refs/.lock"}) {
    auto read = refs.read(bad);
    ASSERT_FALSE(read) << bad;
    EXPECT_EQ(read.error().kind, ErrorKind::bad_input);
    auto cas = refs.compare_and_swap(bad, std::nullopt, sha256("x"));
    ASSERT_FALSE(cas) << bad;
    EXPECT_EQ(cas.error().kind, ErrorKind::bad_input);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("escape")));
}

TEST_F(StoreTest, ARefIsNotAlsoAFolder) {
  ASSERT_TRUE(refs.compare_and_swap("a", std::nullopt, sha256("a")));
  auto below = refs.compare_and_swap("a/b", std::nullopt, sha256("b"));
  ASSERT_FALSE(below);
  EXPECT_NE(below.error().message.find("a is a ref"), std::string::npos) << below.error().message;
  ASSERT_TRUE(refs.compare_and_swap("c/d", std::nullopt, sha256("d")));
  EXPECT_EQ(must(refs.read("c")), std::nullopt);
  EXPECT_FALSE(refs.compare_and_swap("c", std::nullopt, sha256("c")));
}

TEST_F(StoreTest, MalformedRefFilesAreNamed) {
  ASSERT_TRUE(refs.compare_and_swap("x", std::nullopt, sha256("x")));
  write_raw(root + "/refs/x", "not a hash\n");
  auto read = refs.read("x");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(root + "/refs/x"), std::string::npos);
  EXPECT_FALSE(refs.list());
}

TEST_F(StoreTest, ListIsSortedAndFiltered) {
  for (const char* name : {"nodes/b/checkpoints", "images/base", "nodes/a/checkpoints", "nodes/a/extra"})
    ASSERT_TRUE(refs.compare_and_swap(name, std::nullopt, sha256(name)));
  auto all = must(refs.list());
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].first, "images/base");
  EXPECT_EQ(all[3].first, "nodes/b/checkpoints");
  EXPECT_EQ(all[0].second, sha256("images/base"));
  auto nodes_a = must(refs.list("nodes/a/"));
  ASSERT_EQ(nodes_a.size(), 2u);
  EXPECT_EQ(nodes_a[0].first, "nodes/a/checkpoints");
  EXPECT_EQ(must(refs.list_locked()), all);
}

// Several processes each add 1 to a counter ref N times with compare-and-swap, retrying
// on conflict: the final value is the sum, so no update was lost.
TEST_F(StoreTest, ConcurrentUpdatersLoseNothing) {
  constexpr int kProcesses = 4, kIncrements = 40;
  ASSERT_TRUE(refs.compare_and_swap("counter", std::nullopt, counter_value(0)));
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      Refs mine(root);
      for (int i = 0; i < kIncrements;) {
        auto current = mine.read("counter");
        if (!current || !*current) ::_exit(2);
        auto swapped = mine.compare_and_swap("counter", **current, counter_value(counter_of(**current) + 1));
        if (swapped) {
          ++i;
        } else if (swapped.error().message.rfind("ref conflict:", 0) != 0) {
          ::_exit(3);
        }
      }
      ::_exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  EXPECT_EQ(counter_of(*must(refs.read("counter"))), uint64_t{kProcesses * kIncrements});
}

}  // namespace
}  // namespace herd::store::testing
