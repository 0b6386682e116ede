#include "nodeset/index.h"

#include <algorithm>

namespace herd::nodeset {

uint32_t digit_count(int64_t value) {
  uint32_t digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

int64_t Index::power_of_ten(uint32_t n) {
  if (n > 18) return kMaxIndexValue + 1;
  int64_t result = 1;
  for (uint32_t i = 0; i < n; ++i) result *= 10;
  return result;
}

Index Index::natural(int64_t value) {
  if (value < 0) return Index{value, digit_count(-value) + 1};
  return Index{value, digit_count(value)};
}

Index Index::padded(int64_t value, uint32_t pad) {
  Index index = natural(value);
  if (value >= 0) index.width = std::max(index.width, pad);
  return index;
}

void Index::append_to(std::string& out) const {
  char digits[24];
  int64_t magnitude = value < 0 ? -value : value;
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) {
    out.push_back('-');
  } else {
    out.append(width - static_cast<uint32_t>(count), '0');
  }
  while (count > 0) out.push_back(digits[--count]);
}

std::string Index::str() const {
  std::string out;
  append_to(out);
  return out;
}

}  // namespace herd::nodeset
