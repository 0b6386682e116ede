#include "inventory/where_lexer.h"

#include <fmt/format.h>

#include "inventory/where_error.h"

namespace herd::inventory {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word_start(char c) { return is_letter(c) || c == '_'; }
bool is_word_char(char c) { return is_word_start(c) || is_digit(c); }
bool is_attribute_char(char c) { return is_word_char(c) || c == '.' || c == '-'; }

bool equals_lowercase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Bytes of the UTF-8 character starting at `at` (1 for ASCII or a stray byte).
std::size_t character_length(std::string_view text, std::size_t at) {
  std::size_t end = at + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return end - at;
}

// Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos if there is none.
// PostgreSQL refuses such text, so --where refuses it first, as bad input with a column.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t continuations = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuations = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuations = 2;
      if (lead == 0xE0) low = 0xA0;   // no overlong 3-byte forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuations = 3;
      if (lead == 0xF0) low = 0x90;   // no overlong 4-byte forms
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= continuations; ++k) {
      if (i + k >= text.size()) return i;
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return i;
    }
    i += continuations + 1;
  }
  return std::string_view::npos;
}

// Walks the expression once, left to right. Invariant: `pos_` is always at a token boundary
// between calls to next().
class Lexer {
 public:
  explicit Lexer(std::string_view expression) : source_(expression) {}

  Result<std::vector<Token>> run() {
    if (const auto bad = first_invalid_utf8(source_); bad != std::string_view::npos)
      return where_error(source_, bad, "invalid UTF-8");
    std::vector<Token> tokens;
    for (;;) {
      while (pos_ < source_.size() && is_space(source_[pos_])) ++pos_;
      if (pos_ == source_.size()) break;
      auto token = next();
      if (!token) return token.error();
      tokens.push_back(std::move(*token));
    }
    Token end;
    end.kind = TokenKind::end;
    end.offset = source_.size();
    tokens.push_back(std::move(end));
    return tokens;
  }

 private:
  Result<Token> next() {
    const std::size_t start = pos_;
    const char c = source_[pos_];
    switch (c) {
      case '(': return single(TokenKind::open_paren, 1);
      case ')': return single(TokenKind::close_paren, 1);
      case ',': return single(TokenKind::comma, 1);
      case '"':
      case '\'': return string_literal();
      case '=': return compare(peek_is(1, '=') ? 2 : 1);
      case '<': return compare(peek_is(1, '=') || peek_is(1, '>') ? 2 : 1);
      case '>': return compare(peek_is(1, '=') ? 2 : 1);
      case '!':
        if (peek_is(1, '=')) return compare(2);
        return where_error(source_, start, "'!' is not an operator: write 'not' (or '!=')");
      case '&': return where_error(source_, start, "'&' is not an operator: write 'and'");
      case '|': return where_error(source_, start, "'|' is not an operator: write 'or'");
      default: break;
    }
    if (is_digit(c) || (c == '-' && pos_ + 1 < source_.size() && is_digit(source_[pos_ + 1])))
      return integer_literal();
    if (is_word_start(c)) return word();
    return where_error(source_, start,
                       fmt::format("unexpected character '{}'",
                                   printable_excerpt(source_.substr(start, character_length(source_, start)))));
  }

  bool peek_is(std::size_t ahead, char c) const {
    return pos_ + ahead < source_.size() && source_[pos_ + ahead] == c;
  }

  Token single(TokenKind kind, std::size_t length) {
    Token token;
    token.kind = kind;
    token.offset = pos_;
    token.length = length;
    token.text = std::string(source_.substr(pos_, length));
    pos_ += length;
    return token;
  }

  Token compare(std::size_t length) { return single(TokenKind::compare, length); }

  Result<Token> string_literal() {
    Token token;
    token.kind = TokenKind::text;
    token.offset = pos_;
    const char quote = source_[pos_++];
    for (;;) {
      if (pos_ >= source_.size()) return where_error(source_, token.offset, "unterminated string");
      if (source_[pos_] == '\0' || (source_[pos_] == '\\' && peek_is(1, '\0')))
        return where_error(source_, pos_, "text may not contain NUL bytes");
      const char c = source_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        token.text += c;
        token.escaped.push_back(false);
        continue;
      }
      if (pos_ >= source_.size()) return where_error(source_, token.offset, "unterminated string");
      const char escaped = source_[pos_++];
      token.text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
      token.escaped.push_back(true);
    }
    token.length = pos_ - token.offset;
    return token;
  }

  Result<Token> integer_literal() {
    Token token;
    token.kind = TokenKind::integer;
    token.offset = pos_;
    const bool negative = source_[pos_] == '-';
    if (negative) ++pos_;
    // Accumulate negatively so INT64_MIN is representable.
    std::int64_t value = 0;
    bool overflow = false;
    while (pos_ < source_.size() && is_digit(source_[pos_])) {
      const int digit = source_[pos_++] - '0';
      if (value < (INT64_MIN + digit) / 10) overflow = true;
      if (!overflow) value = value * 10 - digit;
    }
    if (pos_ < source_.size() && is_attribute_char(source_[pos_])) {
      std::size_t end = pos_;
      while (end < source_.size() && is_attribute_char(source_[end])) ++end;
      return where_error(source_, token.offset,
                         fmt::format("'{}' is not a number: values are integers or quoted text",
                                     printable_excerpt(source_.substr(token.offset, end - token.offset))));
    }
    token.length = pos_ - token.offset;
    const auto digits = printable_excerpt(source_.substr(token.offset, token.length));
    if (!negative && value == INT64_MIN) overflow = true;
    if (overflow)
      return where_error(source_, token.offset, fmt::format("integer {} is out of range", digits));
    token.integer = negative ? value : -value;
    token.text = std::string(source_.substr(token.offset, token.length));
    return token;
  }

  Result<Token> word() {
    Token token;
    token.kind = TokenKind::word;
    token.offset = pos_;
    while (pos_ < source_.size() && is_word_char(source_[pos_])) ++pos_;
    token.text = std::string(source_.substr(token.offset, pos_ - token.offset));
    if (equals_lowercase(token.text, "attr") && pos_ < source_.size() && source_[pos_] == '.') {
      ++pos_;
      const std::size_t name_start = pos_;
      if (pos_ < source_.size() && is_word_char(source_[pos_]))
        while (pos_ < source_.size() && is_attribute_char(source_[pos_])) ++pos_;
      if (pos_ == name_start)
        return where_error(source_, name_start, "expected an attribute name after 'attr.'");
      token.kind = TokenKind::attribute;
      token.text = std::string(source_.substr(name_start, pos_ - name_start));
    }
    token.length = pos_ - token.offset;
    return token;
  }

  std::string_view source_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Token>> lex_where(std::string_view expression) {
  return Lexer(expression).run();
}

}  // namespace herd::inventory
