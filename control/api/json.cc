#include "control/api/json.h"

// GCC 12 reports a false maybe-uninitialized for a std::variant holding
// its own containers moved through Result<> (GCC bug 105562 family).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <charconv>
#include <cmath>

namespace trunkline::api {
namespace {

constexpr std::size_t kMaxDepth = 32;
constexpr std::size_t kMaxText = 1 << 20;

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  Result<JsonValue> document() {
    if (t_.size() > kMaxText) return Error{"body larger than 1 MiB"};
    auto v = value(0);
    if (!v) return v;
    ws();
    if (i_ != t_.size()) return err("end of the document");
    return v;
  }

 private:
  Error err(const std::string& expected) const {
    return Error{"invalid JSON at offset " + std::to_string(i_) + ": expected " + expected};
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }
  bool lit(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  Result<JsonValue> value(std::size_t depth) {
    if (depth > kMaxDepth) return err("at most 32 levels of nesting");
    ws();
    if (i_ >= t_.size()) return err("a value");
    const char c = t_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      auto s = string();
      if (!s) return s.error();
      return JsonValue(std::move(*s));
    }
    if (lit("true")) return JsonValue(true);
    if (lit("false")) return JsonValue(false);
    if (lit("null")) return JsonValue(nullptr);
    return number();
  }

  Result<JsonValue> number() {
    const std::size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    auto digits = [&] {
      const std::size_t b = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      return i_ - b;
    };
    const std::size_t int_start = i_;
    if (digits() == 0) return err("a value");
    if (t_[int_start] == '0' && i_ - int_start > 1) return err("no leading zeros");
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      if (digits() == 0) return err("digits after '.'");
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (digits() == 0) return err("exponent digits");
    }
    double d = 0;
    const auto r = std::from_chars(t_.data() + start, t_.data() + i_, d);
    if (r.ec != std::errc() || !std::isfinite(d)) return err("a finite number");
    return JsonValue(d);
  }

  Result<unsigned> hex4() {
    if (i_ + 4 > t_.size()) return err("4 hex digits");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = t_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        return err("4 hex digits");
    }
    return v;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  Result<std::string> string() {
    ++i_;  // the opening quote
    std::string out;
    while (true) {
      if (i_ >= t_.size()) return err("a closing '\"'");
      const char c = t_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return err("no raw control characters in strings");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= t_.size()) return err("an escape");
      const char e = t_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          auto hi = hex4();
          if (!hi) return hi.error();
          unsigned cp = *hi;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!lit("\\u")) return err("a low surrogate");
            auto lo = hex4();
            if (!lo) return lo.error();
            if (*lo < 0xDC00 || *lo > 0xDFFF) return err("a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (*lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return err("no lone low surrogate");
          }
          utf8(out, cp);
          break;
        }
        default:
          return err("a valid escape");
      }
    }
  }

  Result<JsonValue> array(std::size_t depth) {
    ++i_;
    JsonArray a;
    ws();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      return JsonValue(std::move(a));
    }
    while (true) {
      auto v = value(depth + 1);
      if (!v) return v;
      a.push_back(std::move(*v));
      ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        return JsonValue(std::move(a));
      }
      return err("',' or ']'");
    }
  }

  Result<JsonValue> object(std::size_t depth) {
    ++i_;
    JsonObject o;
    ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      return JsonValue(std::move(o));
    }
    while (true) {
      ws();
      if (i_ >= t_.size() || t_[i_] != '"') return err("a member name");
      auto k = string();
      if (!k) return k.error();
      ws();
      if (i_ >= t_.size() || t_[i_] != ':') return err("':'");
      ++i_;
      auto v = value(depth + 1);
      if (!v) return v;
      if (o.count(*k) != 0) return Error{"invalid JSON: member '" + *k + "' appears twice"};
      o.emplace(std::move(*k), std::move(*v));
      ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        return JsonValue(std::move(o));
      }
      return err("',' or '}'");
    }
  }

  std::string_view t_;
  std::size_t i_ = 0;
};

}  // namespace

Result<JsonValue> parse_json(std::string_view text) { return Parser(text).document(); }

void Fields::fail(std::string_view field, std::string message) {
  if (failed()) return;
  field_ = std::string(field);
  error_ = std::move(message);
}

void Fields::only(std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : obj_) {
    bool ok = false;
    for (auto n : known) ok = ok || n == k;
    if (!ok) {
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      fail(k, "unknown field (known: " + list + ")");
    }
  }
}

// A member set to null counts as absent (an optional field left unset).
const JsonValue* Fields::raw(std::string_view name) const {
  auto it = obj_.find(name);
  return it == obj_.end() || it->second.is_null() ? nullptr : &it->second;
}

std::optional<std::string> Fields::text(std::string_view name, bool required) {
  const JsonValue* v = raw(name);
  if (v == nullptr) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  if (v->string() == nullptr) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  return *v->string();
}

std::optional<bool> Fields::flag(std::string_view name, bool required) {
  const JsonValue* v = raw(name);
  if (v == nullptr) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  if (v->boolean() == nullptr) {
    fail(name, "must be true or false");
    return std::nullopt;
  }
  return *v->boolean();
}

std::optional<std::int64_t> Fields::integer(std::string_view name, std::int64_t min,
                                            std::int64_t max, bool required) {
  const JsonValue* v = raw(name);
  if (v == nullptr) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  const double* d = v->number();
  if (d == nullptr || *d != std::floor(*d) || *d < static_cast<double>(min) ||
      *d > static_cast<double>(max)) {
    fail(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*d);
}

std::optional<std::vector<std::string>> Fields::texts(std::string_view name, bool required) {
  const JsonValue* v = raw(name);
  if (v == nullptr) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  std::vector<std::string> out;
  const JsonArray* a = v->array();
  if (a == nullptr) {
    fail(name, "must be an array of strings");
    return std::nullopt;
  }
  for (const JsonValue& e : *a) {
    if (e.string() == nullptr) {
      fail(name, "must be an array of strings");
      return std::nullopt;
    }
    out.push_back(*e.string());
  }
  return out;
}

}  // namespace trunkline::api
