// Lexer of the --where language: expression text -> tokens, each with its byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace herd::inventory {

enum class TokenKind {
  word,         // identifier or keyword: [A-Za-z_][A-Za-z0-9_]*
  attribute,    // attr.NAME; `text` is NAME: [A-Za-z0-9_][A-Za-z0-9_.-]*
  text,         // quoted string; `text` is decoded, `escaped` marks backslashed bytes
  integer,      // -?[0-9]+ within int64; `integer` holds the value
  open_paren,   // (
  close_paren,  // )
  comma,        // ,
  compare,      // == = != <> < <= > >=; `text` is the operator as written
  end,          // end of the expression; always the last token
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t offset = 0;  // byte offset of the token's first character in the expression
  std::size_t length = 0;  // bytes of expression text the token spans
  std::string text;
  // For `text` tokens: escaped[i] is true when text[i] was written after a backslash, so a
  // like pattern can tell a literal '*' or '?' from a wildcard. Same size as `text`.
  std::vector<bool> escaped;
  std::int64_t integer = 0;
};

// Splits `expression` into tokens ending with one `end` token. Fails with bad_input naming the
// column of invalid UTF-8, an unexpected character, an unterminated string, a NUL byte in a
// string, a malformed or out-of-range integer, or an empty attribute name.
Result<std::vector<Token>> lex_where(std::string_view expression);

}  // namespace herd::inventory
