// fuzz_track_inputs: the readers behind `herd track` (and passwd/group beneath a root). The first byte picks one; inputs
// holding two texts split them at the first NUL. Every reader either accepts or fails as
// bad_input naming its source, never throws or crashes, and what it accepts keeps the
// promises below.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "track/accounts.h"
#include "track/glob.h"
#include "track/line_diff.h"
#include "track/packages/dpkg.h"
#include "track/packages/package.h"
#include "track/packages/rpm.h"
#include "track/spec.h"
#include "track/stat_cache.h"

namespace {

using namespace herd::track;

void check_error(const herd::Error& e, std::string_view source) {
  if (e.kind != herd::ErrorKind::bad_input || e.message.find(source) == std::string::npos) std::abort();
}

std::pair<std::string_view, std::string_view> two_texts(std::string_view in) {
  size_t nul = in.find('\0');
  if (nul == std::string_view::npos) return {in, {}};
  return {in.substr(0, nul), in.substr(nul + 1)};
}

int sign(int v) { return (v > 0) - (v < 0); }

// The spec written back reads as the same spec.
void spec(std::string_view text) {
  auto parsed = parse_track_spec(text, "SPEC");
  if (!parsed) return check_error(parsed.error(), "SPEC");
  auto again = parse_track_spec(parsed->text(), "AGAIN");
  if (!again) {
    std::fprintf(stderr, "the spec written back does not read: %s\n", again.error().message.c_str());
    std::abort();
  }
  if (again->paths != parsed->paths || again->rules.size() != parsed->rules.size()) {
    std::fprintf(stderr, "written:\n%s\nread back:\n%s\n", parsed->text().c_str(), again->text().c_str());
    std::abort();
  }
  for (size_t i = 0; i < parsed->rules.size(); ++i) {
    const auto &a = parsed->rules[i], &b = again->rules[i];
    if (a.include != b.include || a.pattern != b.pattern || a.whole_path != b.whole_path) std::abort();
  }
  (void)parsed->excluded("/etc/x.swp");
  (void)parsed->within_tracked("/etc/hosts");
}

// A valid pattern matches or not without trouble; every text matches itself escaped.
void glob(std::string_view in) {
  auto [pattern, text] = two_texts(in);
  if (valid_glob(pattern)) (void)glob_match(pattern, text);
  std::string escaped;
  for (char c : text) {
    if (std::string_view("*?[]\\!^").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  if (!valid_glob(escaped) || !glob_match(escaped, text)) std::abort();
}

// Kept lines pair up: a without its deleted lines equals b without its inserted lines.
void diff(std::string_view in) {
  auto [a, b] = two_texts(in);
  auto la = split_lines(a), lb = split_lines(b);
  auto d = diff_lines(la, lb);
  if (d.deleted.size() != la.size() || d.inserted.size() != lb.size()) std::abort();
  std::string kept_a, kept_b;
  for (size_t i = 0; i < la.size(); ++i)
    if (!d.deleted[i]) kept_a += la[i], kept_a += '\x1f';
  for (size_t j = 0; j < lb.size(); ++j)
    if (!d.inserted[j]) kept_b += lb[j], kept_b += '\x1f';
  if (kept_a != kept_b) std::abort();
  if (unified_diff(a, b, "a", "b").empty() != (a == b)) std::abort();
}

// A list of packages, sorted, survives the blob encoding.
void round_trip(std::vector<Package> packages, const char* backend) {
  PackageList list{backend, std::move(packages)};
  sort_packages(list.packages);
  auto decoded = decode_packages(encode_packages(list), "BLOB");
  if (!decoded || !(*decoded == list)) std::abort();
}

void versions(std::string_view in, int (*compare)(std::string_view, std::string_view)) {
  auto [a, b] = two_texts(in);
  if (compare(a, a) != 0 || compare(b, b) != 0) std::abort();
  if (sign(compare(a, b)) != -sign(compare(b, a))) std::abort();
}

// passwd and group text: every name found maps to an id that maps back to a name.
void accounts(std::string_view in) {
  auto [passwd, group] = two_texts(in);
  auto table = Accounts::parse(passwd, group);
  for (std::string_view text : {passwd, group}) {
    for (size_t pos = 0; pos < text.size();) {
      size_t end = std::min(text.find('\n', pos), text.size());
      std::string name(text.substr(pos, std::min(text.find(':', pos), end) - pos));
      pos = end + 1;
      auto id = text.data() == passwd.data() ? table.uid_of(name) : table.gid_of(name);
      if (id && (text.data() == passwd.data() ? table.user_name(*id) : table.group_name(*id)).empty()) std::abort();
    }
  }
}

// A stat cache file (sealed with its checksum when `seal`, so the fuzzer gets past it):
// loads as empty or as records that each look themselves up, xattrs readable or refused.
void stat_cache(std::string_view in, bool seal) {
  std::string file(in);
  if (seal) {
    auto sum = herd::store::sha256(file);
    file.append(reinterpret_cast<const char*>(sum.bytes.data()), sum.bytes.size());
  }
  auto cache = StatCache::from_bytes(file, 4'000'000'000'000'000'000, "CACHE");
  if (cache.size() == 0) return;
  if (!cache.problem().empty()) std::abort();
  for (size_t i = 0; i < cache.size(); ++i) {
    const char* r = file.data() + 48 + 80 * i;
    auto field = [&](size_t at) {
      uint64_t v;
      std::memcpy(&v, r + at, 8);
      return v;
    };
    struct stat st {};
    st.st_dev = field(0);
    st.st_ino = field(8);
    st.st_size = static_cast<off_t>(field(16));
    st.st_mtim = {static_cast<time_t>(int64_t(field(24)) / 1'000'000'000), static_cast<long>(int64_t(field(24)) % 1'000'000'000)};
    st.st_ctim = {static_cast<time_t>(int64_t(field(32)) / 1'000'000'000), static_cast<long>(int64_t(field(32)) % 1'000'000'000)};
    auto found = cache.lookup(st);
    if (!found.found && st.st_dev == field(0)) std::abort();  // (dev_t may be narrower than the record's field)
    herd::track::Xattrs xattrs;
    (void)cache.xattrs(st, xattrs);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0: spec(rest); break;
    case 1: glob(rest); break;
    case 2: diff(rest); break;
    case 3: {
      auto packages = parse_dpkg_status(rest, "STATUS");
      if (!packages) check_error(packages.error(), "STATUS");
      else round_trip(std::move(*packages), "dpkg");
      break;
    }
    case 4: {
      auto packages = parse_rpm_output(rest);
      if (!packages) check_error(packages.error(), "line");
      else round_trip(std::move(*packages), "rpm");
      break;
    }
    case 5: {
      auto list = decode_packages(rest, "BLOB");
      if (!list) check_error(list.error(), "BLOB");
      else if (auto again = decode_packages(encode_packages(*list), "BLOB"); !again || !(*again == *list)) std::abort();
      break;
    }
    case 6: versions(rest, dpkg_compare_versions); break;
    case 7: versions(rest, rpm_compare_versions); break;
    case 8: accounts(rest); break;
    case 9: stat_cache(rest, data[0] & 0x80); break;
  }
  return 0;
}
