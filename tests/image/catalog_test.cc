// Image names and the catalog: references, numbering, tags, removal, pruning, and two
// writers racing for the next number.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "image/image_name.h"
#include "image_fixture.h"

namespace herd::image::testing {
namespace {

TEST(ImageName, References) {
  auto r = parse_image_ref("base");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->newest());
  r = parse_image_ref("base:12");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, 12u);
  r = parse_image_ref("compute-el9.x86_64:good");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "good");
  EXPECT_EQ(r->text(), "compute-el9.x86_64:good");
  for (const char* bad : {"", ":3", "base:", "base:0", "-base", ".base", "ba/se", "base:x/y", "base:01x!", "a b"}) {
    auto e = parse_image_ref(bad);
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_EQ(e.error().kind, ErrorKind::bad_input) << bad;
    }
  }
  EXPECT_FALSE(valid_tag_name("123"));
  EXPECT_TRUE(valid_tag_name("v123"));
  EXPECT_FALSE(parse_image_ref(std::string(101, 'a')));
}

class CatalogTest : public ImageFixture {};

TEST_F(CatalogTest, RevisionsAreNumberedAndResolved) {
  write(golden() + "/etc/motd", "one\n");
  auto r1 = capture("base");
  write(golden() + "/etc/motd", "two\n");
  auto r2 = capture("base");
  EXPECT_EQ(r1.number, 1u);
  EXPECT_EQ(r2.number, 2u);
  EXPECT_EQ(must(catalog_->resolve("base")).id, r2.id);
  EXPECT_EQ(must(catalog_->resolve("base:1")).id, r1.id);
  EXPECT_TRUE(r1.snapshot.parents.empty()) << "revisions are kept alive by their own refs";
  EXPECT_EQ(must(catalog_->images()), std::vector<std::string>{"base"});
  auto history = must(catalog_->history("base"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].number, 2u);
  auto missing = catalog_->resolve("base:7");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
  EXPECT_NE(missing.error().message.find("revisions 1..2"), std::string::npos) << missing.error().message;
  auto unknown = catalog_->resolve("nope");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("images: base"), std::string::npos) << unknown.error().message;
}

TEST_F(CatalogTest, TagsMoveAndGoWithTheirRevision) {
  write(golden() + "/etc/motd", "one\n");
  auto r1 = capture("base");
  write(golden() + "/etc/motd", "two\n");
  auto r2 = capture("base");
  must(catalog_->tag("base", 1, "good"));
  EXPECT_EQ(must(catalog_->resolve("base:good")).number, 1u);
  must(catalog_->tag("base", 2, "good"));
  EXPECT_EQ(must(catalog_->resolve("base:good")).number, 2u);
  EXPECT_EQ(must(catalog_->resolve("base:2")).tags, std::vector<std::string>{"good"});
  EXPECT_FALSE(catalog_->tag("base", 9, "good"));
  EXPECT_FALSE(catalog_->tag("base", 1, "42"));
  must(catalog_->remove_revision("base", 2));
  EXPECT_FALSE(catalog_->resolve("base:good"));
  EXPECT_EQ(must(catalog_->resolve("base")).number, 1u);
  (void)r1;
  (void)r2;
}

TEST_F(CatalogTest, PruneKeepsTheNewestTaggedAndPinned) {
  for (int i = 1; i <= 6; ++i) {
    write(golden() + "/etc/motd", std::to_string(i) + "\n");
    capture("base");
  }
  must(catalog_->tag("base", 2, "good"));
  auto dry = must(catalog_->prune("base", 2, {3}, true));
  EXPECT_EQ(dry, (std::vector<uint64_t>{1, 4}));
  EXPECT_EQ(must(catalog_->refs_of("base")).revisions.size(), 6u) << "a dry run removes nothing";
  must(catalog_->prune("base", 2, {3}, false));
  std::vector<uint64_t> left;
  for (const auto& [n, id] : must(catalog_->refs_of("base")).revisions) left.push_back(n);
  EXPECT_EQ(left, (std::vector<uint64_t>{2, 3, 5, 6}));
  write(golden() + "/etc/motd", "7\n");
  EXPECT_EQ(capture("base").number, 7u) << "numbers are never reused";
  EXPECT_EQ(must(catalog_->remove_image("base")), 5u);
  EXPECT_TRUE(must(catalog_->images()).empty());
}

TEST_F(CatalogTest, TwoWritersRacingGetTwoNumbers) {
  write(golden() + "/etc/motd", "shared\n");
  auto captured = must(capture_root(*store_, golden(), {}));
  std::string root = dir_.path() + "/store";
  std::vector<pid_t> children;
  for (int k = 0; k < 4; ++k) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = store::ObjectStore::open(root);
      if (!store) ::_exit(3);
      Catalog catalog(*store, store::Refs(root));
      for (int i = 0; i < 5; ++i) {
        NewRevision r;
        r.tree = captured.tree;
        r.message = "writer " + std::to_string(k);
        if (!catalog.commit("race", r)) ::_exit(1);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto refs = must(catalog_->refs_of("race"));
  ASSERT_EQ(refs.revisions.size(), 20u);
  EXPECT_EQ(refs.revisions.begin()->first, 1u);
  EXPECT_EQ(refs.revisions.rbegin()->first, 20u);
}

}  // namespace
}  // namespace herd::image::testing
