// kill -9 at any moment loses nothing that was reported as saved: a child process adds
// nodes one transaction at a time and reports each after commit; the parent kills it
// mid-stream, then checks every reported node is there and the database is intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "inventory/inventory.h"
#include "inventory/schema.h"
#include "temp_dir.h"

namespace herd::inventory {

TEST(Crash, KillNineLosesNoReportedWrite) {
  herd::testing::TempDir dir;
  std::string path = dir.file("herd.db");
  {
    auto db = open_sqlite(path, true);
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(**db));
    Inventory inv(**db);
    ASSERT_TRUE(inv.add_network({"private", "198.51.100.0", 24}));
    ASSERT_TRUE(inv.add_appliance({"compute", "", ""}));
  }
  for (int round = 0; round < 3; ++round) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipe_fds[0]);
      auto db = open_sqlite(path, false);
      if (!db) ::_exit(3);
      Inventory inv(**db);
      NodeTemplate t;
      t.appliance = "compute";
      t.network = "private";
      for (int i = 0;; ++i) {
        std::string name = "r" + std::to_string(round) + "n" + std::to_string(i);
        if (!inv.add_nodes({name}, t)) ::_exit(4);
        std::string line = name + "\n";
        if (::write(pipe_fds[1], line.data(), line.size()) < 0) ::_exit(5);
        if (i == 200) ::pause();  // the network holds 253 addresses; wait to be killed
      }
    }
    ::close(pipe_fds[1]);
    // Read some reports, then kill without warning while writes continue.
    std::string reported, buffer(4096, '\0');
    int lines = 0;
    while (lines < 20 + round * 15) {
      ssize_t n = ::read(pipe_fds[0], buffer.data(), buffer.size());
      ASSERT_GT(n, 0);
      reported.append(buffer.data(), static_cast<size_t>(n));
      lines = static_cast<int>(std::count(reported.begin(), reported.end(), '\n'));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    // Everything still in the pipe was also reported before the kill.
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer.data(), buffer.size())) > 0) reported.append(buffer.data(), static_cast<size_t>(n));
    ::close(pipe_fds[0]);

    auto db = open_sqlite(path, false);
    ASSERT_TRUE(db);
    std::string check;
    ASSERT_TRUE((*db)->query("PRAGMA integrity_check", {}, [&](const Row& r) { check = to_text(r[0]); }));
    EXPECT_EQ(check, "ok");
    Inventory inv(**db);
    size_t start = 0;
    for (size_t end; (end = reported.find('\n', start)) != std::string::npos; start = end + 1) {
      std::string name = reported.substr(start, end - start);
      auto node = inv.node(name);
      ASSERT_TRUE(node) << "reported as saved but lost: " << name;
      EXPECT_EQ(node->interfaces.size(), 1u) << name << ": node and interface are one transaction";
    }
    // Clean for the next round: the network must not run out.
    std::vector<std::string> all = *inv.node_names();
    ASSERT_TRUE(inv.remove_nodes(all));
  }
}

}  // namespace herd::inventory
