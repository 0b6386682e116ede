// Splits a byte stream into lines as it arrives in pieces.
#pragma once

#include <string>
#include <string_view>

namespace herd::run {

// Holds the unfinished last line between feeds. emit(std::string_view) gets each line
// without its '\n'; the view is valid only during the call.
class LineSplitter {
 public:
  template <typename Emit>
  void feed(std::string_view data, Emit&& emit) {
    size_t start = 0;
    for (size_t nl; (nl = data.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      if (partial_.empty()) {
        emit(data.substr(start, nl - start));
      } else {
        partial_.append(data.substr(start, nl - start));
        emit(std::string_view(partial_));
        partial_.clear();
      }
    }
    partial_.append(data.substr(start));
  }
  // Emits the unfinished line, if any (output that does not end with '\n').
  template <typename Emit>
  void flush(Emit&& emit) {
    if (!partial_.empty()) emit(std::string_view(partial_));
    partial_.clear();
  }

 private:
  std::string partial_;
};

}  // namespace herd::run
