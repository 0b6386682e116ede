#include "track/verify.h"

#include <set>

#include "store/file_content.h"
#include "store/snapshot.h"
#include "store/tree.h"
#include "track/history.h"
#include "track/packages/package.h"

namespace herd::track {
namespace {

class Verifier {
 public:
  Verifier(const store::ObjectStore& store, VerifyReport& report) : store_(store), r_(report) {}

  void tree(const store::Hash& hash, const std::string& path) {
    if (!seen_.insert(hash).second) return;
    ++r_.trees;
    auto bytes = store_.get(hash, store::ObjectType::tree);
    if (!bytes) return problem(path, bytes.error().message);
    auto decoded = store::decode_tree(*bytes, hash.hex());
    if (!decoded) return problem(path, decoded.error().message);
    for (const store::TreeEntry& e : decoded->entries) {
      std::string child = (path == "/" ? "" : path) + "/" + e.name;
      if (!store::valid_entry_name(e.name)) {
        problem(path, "bad entry name '" + e.name + "'");
        continue;
      }
      if (e.type == store::EntryType::folder) {
        tree(e.content, child);
      } else if (e.type == store::EntryType::file && seen_.insert(e.content).second) {
        ++r_.files;
        auto size = store::read_content(store_, e.content, [](std::string_view) -> Status { return {}; });
        if (!size)
          problem(child, size.error().message);
        else if (*size != e.size)
          problem(child, fmt::format("content is {} bytes, the entry says {}", *size, e.size));
        else
          r_.bytes += *size;
      }
    }
  }

  void problem(const std::string& where, const std::string& what) { r_.problems.push_back(where + ": " + what); }

 private:
  const store::ObjectStore& store_;
  VerifyReport& r_;
  std::set<store::Hash> seen_;
};

}  // namespace

Result<VerifyReport> verify_checkpoints(const store::ObjectStore& store, const store::Refs& refs,
                                        const std::string& ref) {
  VerifyReport report;
  auto head = refs.read(ref);
  if (!head) return head.error();
  Verifier verifier(store, report);
  std::set<store::Hash> seen;
  std::optional<store::Hash> next = *head;
  while (next) {
    if (!seen.insert(*next).second) {
      verifier.problem("checkpoint " + next->hex(), "the history loops");
      break;
    }
    auto snapshot = load_snapshot(store, *next);
    if (!snapshot) {
      verifier.problem("checkpoint " + next->hex(), snapshot.error().message);
      break;
    }
    ++report.checkpoints;
    verifier.tree(snapshot->tree, "/");
    auto packages = snapshot->metadata.find("packages");
    if (packages != snapshot->metadata.end() && !packages->second.empty()) {
      auto hash = store::Hash::parse(packages->second);
      auto text = hash ? store.get(*hash, store::ObjectType::blob) : Result<std::string>(failure("bad hash"));
      if (!text)
        verifier.problem("checkpoint " + next->hex() + " packages", text.error().message);
      else if (auto list = decode_packages(*text, packages->second); !list)
        verifier.problem("checkpoint " + next->hex() + " packages", list.error().message);
    }
    next = snapshot->parents.empty() ? std::nullopt : std::optional(snapshot->parents[0]);
  }
  return report;
}

}  // namespace herd::track
