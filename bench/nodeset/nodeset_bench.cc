// Node set benchmarks (Google Benchmark): folding names in bulk, the nD fold, parsing.
// The names are made here with the same shapes as generate.py writes for run.sh.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "nodeset/node_set.h"

namespace herd::nodeset {
namespace {

// `count` of "cn00001".. with about 1 in 6 missing, shuffled.
std::vector<std::string> cluster_names(size_t count) {
  std::vector<std::string> slots;
  for (size_t i = 1; i <= count * 6 / 5; ++i) slots.push_back(fmt::format("cn{:05}", i));
  std::mt19937 random(42);
  std::shuffle(slots.begin(), slots.end(), random);
  slots.resize(count);
  return slots;
}

// `count` 5-axis names "x1000c3s7b1n2" scattered over cabinets of 8x8x2x4 slots, 40% empty.
std::vector<std::string> scattered_names(size_t count) {
  const size_t cabinets = count / 512 * 10 / 6 + 1;
  std::vector<std::string> slots;
  for (size_t x = 0; x < cabinets; ++x)
    for (int c = 0; c < 8; ++c)
      for (int s = 0; s < 8; ++s)
        for (int b = 0; b < 2; ++b)
          for (int n = 0; n < 4; ++n) slots.push_back(fmt::format("x{}c{}s{}b{}n{}", 1000 + x, c, s, b, n));
  std::mt19937 random(42);
  std::shuffle(slots.begin(), slots.end(), random);
  slots.resize(count);
  return slots;
}

void BM_FoldNames(benchmark::State& state) {
  std::vector<std::string> names = cluster_names(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(fold(names));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FoldNames)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_FoldScattered5D(benchmark::State& state) {
  std::vector<std::string> names = scattered_names(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(fold(names));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FoldScattered5D)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_ParseAndFold(benchmark::State& state) {
  for (auto _ : state) {
    Result<NodeSet> set = NodeSet::parse("r[1-40]n[001-512]!r[3-5]n[100-200],login[1-4],gpu[01-64]&gpu[10-99]");
    benchmark::DoNotOptimize(set->fold());
  }
}
BENCHMARK(BM_ParseAndFold)->Unit(benchmark::kMicrosecond);

void BM_Expand(benchmark::State& state) {
  NodeSet set = *NodeSet::parse("r[1-40]n[001-512]");
  for (auto _ : state) benchmark::DoNotOptimize(set.expand());
  state.SetItemsProcessed(state.iterations() * 40 * 512);
}
BENCHMARK(BM_Expand)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace herd::nodeset

BENCHMARK_MAIN();
