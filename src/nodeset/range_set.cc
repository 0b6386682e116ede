#include "nodeset/range_set.h"

#include <algorithm>

namespace herd::nodeset {
namespace {

using Interval = RangeSet::Interval;

bool starts_before(const Interval& a, const Interval& b) {
  return a.lane != b.lane ? a.lane < b.lane : a.first < b.first;
}

// Appends `interval` to `out`, sorted so far and not starting after `interval`, merging
// it into the last interval when they overlap or touch.
void append_merged(std::vector<Interval>& out, const Interval& interval) {
  if (!out.empty() && out.back().lane == interval.lane && interval.first <= out.back().last + 1) {
    out.back().last = std::max(out.back().last, interval.last);
  } else {
    out.push_back(interval);
  }
}

std::vector<Interval> united(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && starts_before(a[i], b[j]))) {
      append_merged(out, a[i++]);
    } else {
      append_merged(out, b[j++]);
    }
  }
  return out;
}

std::vector<Interval> subtracted(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  size_t j = 0;
  for (const Interval& interval : a) {
    while (j < b.size() && (b[j].lane < interval.lane || (b[j].lane == interval.lane && b[j].last < interval.first))) ++j;
    int64_t next = interval.first;  // first value not yet kept or removed
    size_t k = j;
    for (; k < b.size() && b[k].lane == interval.lane && b[k].first <= interval.last; ++k) {
      if (b[k].first > next) out.push_back(Interval{interval.lane, next, b[k].first - 1});
      next = std::max(next, b[k].last + 1);
      if (b[k].last >= interval.last) break;
    }
    if (next <= interval.last) out.push_back(Interval{interval.lane, next, interval.last});
  }
  return out;
}

std::vector<Interval> intersected(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].lane != b[j].lane) {
      (a[i].lane < b[j].lane ? i : j)++;
      continue;
    }
    int64_t first = std::max(a[i].first, b[j].first);
    int64_t last = std::min(a[i].last, b[j].last);
    if (first <= last) out.push_back(Interval{a[i].lane, first, last});
    (a[i].last < b[j].last ? i : j)++;
  }
  return out;
}

// "%0*d" of ClusterShell: `value` zero padded to `pad` characters.
void append_padded(std::string& out, int64_t value, uint32_t pad) { Index::padded(value, pad).append_to(out); }

// One slice of ClusterShell's _strslices: "a", "a-b" or "a-b/step".
void append_slice(std::string& out, int64_t first, int64_t last, int64_t step, uint32_t pad) {
  if (!out.empty()) out.push_back(',');
  append_padded(out, first, pad);
  if (first == last) return;
  out.push_back('-');
  append_padded(out, last, pad);
  if (step != 1) {
    out.push_back('/');
    out += std::to_string(step);
  }
}

}  // namespace

Index Interval::at(int64_t value) const { return lane == 0 ? Index::natural(value) : Index{value, lane}; }

RangeSet RangeSet::of(Index index) {
  RangeSet set;
  set.intervals_.push_back(Interval{index.lane(), index.value, index.value});
  return set;
}

RangeSet RangeSet::from_indexes(std::vector<Index> indexes) {
  RangeSet set;
  // Indexes of up to 15 characters, not negative, sort as 64-bit keys (lane, value): a
  // few times faster than comparing Index, and folding 100,000 names is mostly this sort.
  if (std::all_of(indexes.begin(), indexes.end(), [](Index i) { return i.value >= 0 && i.width < 16; })) {
    std::vector<uint64_t> keys;
    keys.reserve(indexes.size());
    for (const Index& index : indexes) keys.push_back(uint64_t{index.width} << 60 | static_cast<uint64_t>(index.value));
    std::sort(keys.begin(), keys.end());
    for (uint64_t key : keys) {
      auto value = static_cast<int64_t>(key & ((uint64_t{1} << 60) - 1));
      append_merged(set.intervals_, Interval{static_cast<uint32_t>(key >> 60), value, value});
    }
    return set;
  }
  std::sort(indexes.begin(), indexes.end());
  for (const Index& index : indexes) append_merged(set.intervals_, Interval{index.lane(), index.value, index.value});
  return set;
}

RangeSet RangeSet::from_intervals(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(), starts_before);
  RangeSet set;
  for (const Interval& interval : intervals) append_merged(set.intervals_, interval);
  return set;
}

void RangeSet::insert(Index index) {
  Interval single{index.lane(), index.value, index.value};
  if (intervals_.empty() || !starts_before(single, intervals_.back())) {
    append_merged(intervals_, single);  // the common case: indexes arrive in order
  } else {
    intervals_ = united(intervals_, {single});
  }
}

void RangeSet::append_range(int64_t start, int64_t last, int64_t step, uint32_t pad, std::vector<Interval>& out) {
  if (step == 1) {
    for (int64_t value = start; value <= last;) {
      Index index = Index::padded(value, pad);
      // Every value up to the lane's end has the same width as `value`.
      int64_t lane_last = value < 0 ? -1 : Index::power_of_ten(index.width) - 1;
      int64_t piece_last = std::min(last, lane_last);
      out.push_back(Interval{index.lane(), value, piece_last});
      if (piece_last == last) break;
      value = piece_last + 1;
    }
    return;
  }
  for (int64_t value = start; value <= last; value += step) {
    out.push_back(Interval{Index::padded(value, pad).lane(), value, value});
    if (last - value < step) break;
  }
}

void RangeSet::insert_range(int64_t start, int64_t last, int64_t step, uint32_t pad) {
  std::vector<Interval> added;
  append_range(start, last, step, pad, added);  // sorted: values ascend, lanes never decrease
  intervals_ = united(intervals_, from_intervals(std::move(added)).intervals_);
}

RangeSet& RangeSet::unite(const RangeSet& other) {
  intervals_ = united(intervals_, other.intervals_);
  return *this;
}

RangeSet& RangeSet::subtract(const RangeSet& other) {
  intervals_ = subtracted(intervals_, other.intervals_);
  return *this;
}

RangeSet& RangeSet::intersect(const RangeSet& other) {
  intervals_ = intersected(intervals_, other.intervals_);
  return *this;
}

RangeSet& RangeSet::symmetric_difference(const RangeSet& other) {
  intervals_ = united(subtracted(intervals_, other.intervals_), subtracted(other.intervals_, intervals_));
  return *this;
}

bool RangeSet::contains(Index index) const {
  Interval probe{index.lane(), index.value, index.value};
  auto after = std::upper_bound(intervals_.begin(), intervals_.end(), probe, starts_before);
  if (after == intervals_.begin()) return false;
  const Interval& candidate = *(after - 1);
  return candidate.lane == probe.lane && candidate.last >= index.value;
}

bool RangeSet::intersects(const RangeSet& other) const {
  size_t i = 0, j = 0;
  const auto& a = intervals_;
  const auto& b = other.intervals_;
  while (i < a.size() && j < b.size()) {
    if (a[i].lane != b[j].lane) {
      (a[i].lane < b[j].lane ? i : j)++;
      continue;
    }
    if (std::max(a[i].first, b[j].first) <= std::min(a[i].last, b[j].last)) return true;
    (a[i].last < b[j].last ? i : j)++;
  }
  return false;
}

uint64_t RangeSet::size() const {
  uint64_t total = 0;
  for (const Interval& interval : intervals_) total += interval.size();
  return total;
}

Index RangeSet::first() const { return intervals_.front().at(intervals_.front().first); }
Index RangeSet::last() const { return intervals_.back().at(intervals_.back().last); }

std::vector<Index> RangeSet::indexes() const {
  std::vector<Index> out;
  for_each([&](Index index) { out.push_back(index); });
  return out;
}

size_t RangeSet::hash() const {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  };
  for (const Interval& interval : intervals_) {
    mix(interval.lane);
    mix(static_cast<uint64_t>(interval.first));
    mix(static_cast<uint64_t>(interval.last));
  }
  return static_cast<size_t>(h);
}

namespace {

// A transcription of ClusterShell 1.9's RangeSet._slices_padding, fed index by index in
// order, so that its quirks give the same text: a range that starts at the last index of
// a stepped chain keeps the chain's padding flag ("09,35,96-99,100-118", not "96-118"),
// and a new range inherits the gap before it as its step.
class SliceWriter {
 public:
  // `autostep` is the user's count; ClusterShell compares with count - 1.
  SliceWriter(std::string& out, std::optional<int64_t> autostep) : out_(out), autostep_(autostep) {}

  void add(Index index) {
    if (!started_) {
      started_ = true;
      start_new_range(index);
      last_ = index.value;
      return;
    }
    bool padding_mismatch = start_padded_ ? index.width != start_width_ : index.is_padded();
    bool step_mismatch = !padding_mismatch && step_ && *step_ != index.value - last_;
    if (!padding_mismatch && !step_mismatch) {
      step_ = index.value - last_;
      last_ = index.value;
      return;
    }
    int64_t step = step_.value_or(1);
    std::optional<int64_t> next_step = step_mismatch ? std::optional<int64_t>(index.value - last_) : std::nullopt;
    if (!step_ || *step_ == 1 || steps_enough(last_ - start_, *step_)) {
      append_slice(out_, start_, last_, step, pad());
      start_new_range(index);
    } else if (padding_mismatch) {
      append_singles(start_, last_ + 1, step);
      start_new_range(index);
    } else {
      append_singles(start_, last_ - step + 1, step);
      start_ = last_;  // the chain's last index begins the next range, keeping its padding flag
    }
    step_ = next_step;
    last_ = index.value;
  }

  // After add(first) and add(first + 1) of an interval, its later indexes only extend the
  // range (same width, step 1, never a mismatch): jump to its last value.
  void extend_to(int64_t value) {
    step_ = 1;
    last_ = value;
  }

  void finish() {
    if (!started_) return;
    if (!step_ || *step_ == 1 || steps_enough(last_ - start_, *step_)) {
      append_slice(out_, start_, last_, step_.value_or(1), pad());
    } else {
      append_singles(start_, last_ + 1, *step_);
    }
  }

 private:
  void start_new_range(Index index) {
    start_ = index.value;
    start_padded_ = index.is_padded();
    start_width_ = index.width;
  }
  bool steps_enough(int64_t span, int64_t step) const {
    return autostep_ && span >= (static_cast<__int128>(*autostep_) - 1) * step;
  }
  uint32_t pad() const { return start_padded_ ? start_width_ : 0u; }
  void append_singles(int64_t from, int64_t stop, int64_t step) {
    for (int64_t value = from; value < stop; value += step) append_slice(out_, value, value, 1, pad());
  }

  std::string& out_;
  std::optional<int64_t> autostep_;
  bool started_ = false;
  int64_t start_ = 0, last_ = 0;
  std::optional<int64_t> step_;  // nullopt while the current range holds one index
  bool start_padded_ = false;
  uint32_t start_width_ = 0;
};

}  // namespace

std::string RangeSet::fold(std::optional<int64_t> autostep) const {
  std::string out;
  SliceWriter writer(out, autostep);
  for (const Interval& interval : intervals_) {
    writer.add(interval.at(interval.first));
    if (interval.last == interval.first) continue;
    writer.add(interval.at(interval.first + 1));
    if (interval.last > interval.first + 1) writer.extend_to(interval.last);
  }
  writer.finish();
  return out;
}

}  // namespace herd::nodeset
