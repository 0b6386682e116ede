#include "track/line_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace herd::track {
namespace {

constexpr int kInvalid = -1;

// Myers' linear-space diff over interned lines. V arrays hold, per diagonal k = x - y,
// the furthest x reached; kInvalid marks a diagonal no path reaches with d edits.
class Myers {
 public:
  Myers(const std::vector<int>& a, const std::vector<int>& b, LineDiff& out) : a_(a), b_(b), out_(out) {
    size_t size = a.size() + b.size() + 3;
    forward_.assign(2 * size + 1, kInvalid);
    backward_.assign(2 * size + 1, kInvalid);
    offset_ = static_cast<int>(size);
  }

  void compare(int a0, int a1, int b0, int b1) {
    while (a0 < a1 && b0 < b1 && a_[a0] == b_[b0]) ++a0, ++b0;
    while (a0 < a1 && b0 < b1 && a_[a1 - 1] == b_[b1 - 1]) --a1, --b1;
    if (a0 == a1) {
      for (int j = b0; j < b1; ++j) out_.inserted[j] = 1;
      return;
    }
    if (b0 == b1) {
      for (int i = a0; i < a1; ++i) out_.deleted[i] = 1;
      return;
    }
    auto [x, y] = split(a0, a1, b0, b1);
    compare(a0, x, b0, y);
    compare(x, a1, y, b1);
  }

 private:
  int& f(int k) { return forward_[offset_ + k]; }
  int& r(int k) { return backward_[offset_ + k]; }

  // The furthest x on diagonal k after one more edit, from the neighbours' values after
  // d-1 edits (n, m: the sizes), or kInvalid.
  static int step(int down_from, int right_from, int k, int n, int m) {
    int down = down_from != kInvalid && down_from - (k + 1) < m ? down_from : kInvalid;
    int right = right_from != kInvalid && right_from < n ? right_from + 1 : kInvalid;
    return std::max(down, right);
  }

  // A point on a shortest edit path of a[a0,a1) and b[b0,b1) strictly between the two
  // corners. Preconditions: both ranges non-empty, their first and last lines differ.
  std::pair<int, int> split(int a0, int a1, int b0, int b1) {
    const int n = a1 - a0, m = b1 - b0, delta = n - m;
    const bool odd = delta & 1;
    const int max_d = (n + m + 1) / 2;
    for (int d = 0; d <= max_d; ++d) {
      f(-d - 1) = f(d + 1) = r(-d - 1) = r(d + 1) = kInvalid;
      for (int k = -d; k <= d; k += 2) {
        int x = d == 0 ? 0 : step(f(k + 1), f(k - 1), k, n, m);
        if (x != kInvalid) {
          int y = x - k;
          while (x < n && y < m && a_[a0 + x] == b_[b0 + y]) ++x, ++y;
        }
        f(k) = x;
        if (odd && x != kInvalid) {
          int kr = delta - k;
          if (kr >= -(d - 1) && kr <= d - 1 && r(kr) != kInvalid && x + r(kr) >= n) return {a0 + x, b0 + x - k};
        }
      }
      for (int k = -d; k <= d; k += 2) {
        int x = d == 0 ? 0 : step(r(k + 1), r(k - 1), k, n, m);
        if (x != kInvalid) {
          int y = x - k;
          while (x < n && y < m && a_[a1 - 1 - x] == b_[b1 - 1 - y]) ++x, ++y;
        }
        r(k) = x;
        if (!odd && x != kInvalid) {
          int kf = delta - k;
          if (kf >= -d && kf <= d && f(kf) != kInvalid && f(kf) + x >= n) return {a1 - x, b1 - (x - k)};
        }
      }
      if (d >= kMaxCost) {
        // Too expensive: split where the forward search got furthest.
        int best_k = 0, best = -1;
        for (int k = -d; k <= d; k += 2)
          if (f(k) != kInvalid && 2 * f(k) - k > best) best = 2 * f(k) - k, best_k = k;
        return {a0 + f(best_k), b0 + f(best_k) - best_k};
      }
    }
    // Unreachable: the searches meet by d = max_d.
    return {a0 + n / 2, b0 + m / 2};
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  LineDiff& out_;
  std::vector<int> forward_, backward_;
  int offset_ = 0;
};

struct Op {
  char kind;  // ' ', '-', '+'
  int a, b;   // line indexes (a for ' ' and '-', b for ' ' and '+')
};

std::string range(int start, int length) {
  if (length == 1) return fmt::format("{}", start);
  return fmt::format("{},{}", start, length);
}

void append_line(std::string& out, char prefix, std::string_view line) {
  out += prefix;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

size_t LineDiff::edits() const {
  return std::count(deleted.begin(), deleted.end(), 1) + std::count(inserted.begin(), inserted.end(), 1);
}

LineDiff diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::unordered_map<std::string_view, int> ids;
  auto intern = [&](const std::vector<std::string_view>& lines) {
    std::vector<int> out;
    out.reserve(lines.size());
    for (auto line : lines) out.push_back(ids.emplace(line, static_cast<int>(ids.size())).first->second);
    return out;
  };
  std::vector<int> ia = intern(a), ib = intern(b);
  LineDiff diff;
  diff.deleted.assign(a.size(), 0);
  diff.inserted.assign(b.size(), 0);
  Myers myers(ia, ib, diff);
  myers.compare(0, static_cast<int>(a.size()), 0, static_cast<int>(b.size()));
  return diff;
}

std::string unified_diff(std::string_view a, std::string_view b, std::string_view a_name, std::string_view b_name,
                         int context) {
  if (a == b) return "";
  auto la = split_lines(a), lb = split_lines(b);
  LineDiff diff = diff_lines(la, lb);
  std::vector<Op> ops;
  ops.reserve(la.size() + lb.size());
  int i = 0, j = 0;
  const int n = static_cast<int>(la.size()), m = static_cast<int>(lb.size());
  while (i < n || j < m) {
    if (i < n && diff.deleted[i]) {
      ops.push_back({'-', i++, j});
    } else if (j < m && diff.inserted[j]) {
      ops.push_back({'+', i, j++});
    } else {
      ops.push_back({' ', i++, j++});
    }
  }
  std::string out = fmt::format("--- {}\n+++ {}\n", a_name, b_name);
  const int count = static_cast<int>(ops.size());
  int pos = 0;
  while (pos < count) {
    while (pos < count && ops[pos].kind == ' ') ++pos;
    if (pos == count) break;
    int start = std::max(0, pos - context);
    // Extend over changes separated by at most 2 * context unchanged lines.
    int last_change = pos;
    int scan = pos + 1;
    while (scan < count) {
      if (ops[scan].kind != ' ') {
        last_change = scan;
      } else if (scan - last_change > 2 * context) {
        break;
      }
      ++scan;
    }
    int end = std::min(count, last_change + context + 1);
    int a_len = 0, b_len = 0;
    for (int k = start; k < end; ++k) {
      if (ops[k].kind != '+') ++a_len;
      if (ops[k].kind != '-') ++b_len;
    }
    int a_start = a_len ? ops[start].a + 1 : ops[start].a;
    int b_start = b_len ? ops[start].b + 1 : ops[start].b;
    out += fmt::format("@@ -{} +{} @@\n", range(a_start, a_len), range(b_start, b_len));
    for (int k = start; k < end; ++k) {
      const Op& op = ops[k];
      append_line(out, op.kind, op.kind == '+' ? lb[op.b] : la[op.a]);
    }
    pos = end;
  }
  return out;
}

bool looks_binary(std::string_view data) { return data.substr(0, 8000).find('\0') != std::string_view::npos; }

}  // namespace herd::track
