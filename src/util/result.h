// Result<T>: a value or an Error, the return type of every fallible library call.
// Errors carry a message that names the bad input (file, line, node, field) and a kind
// that the CLI maps to an exit code: bad_input -> 2, failed -> 1.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace herd {

enum class ErrorKind { failed = 1, bad_input = 2 };

struct Error {
  ErrorKind kind = ErrorKind::failed;
  std::string message;

  int exit_code() const { return static_cast<int>(kind); }
  // Returns a copy whose message is prefixed by `context: `.
  Error with_context(std::string_view context) const {
    return Error{kind, fmt::format("{}: {}", context, message)};
  }
};

template <typename... Args>
Error bad_input(fmt::format_string<Args...> f, Args&&... args) {
  return Error{ErrorKind::bad_input, fmt::format(f, std::forward<Args>(args)...)};
}

template <typename... Args>
Error failure(fmt::format_string<Args...> f, Args&&... args) {
  return Error{ErrorKind::failed, fmt::format(f, std::forward<Args>(args)...)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace herd

// Evaluates a Status expression and returns its error from the enclosing function.
#define HERD_CHECK(expr)                       \
  do {                                         \
    if (auto herd_status_ = (expr); !herd_status_) \
      return herd_status_.error();             \
  } while (0)
