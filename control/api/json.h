// A small JSON reader for API request bodies (RFC 8259): objects, arrays,
// strings (with \u escapes, surrogate pairs), numbers, true/false/null.
// Strict: no comments, no trailing commas, no duplicate keys, at most 32
// levels of nesting and 1 MiB of text, so a hostile body costs little.
// Errors name the offset and what was expected.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace trunkline::api {

class JsonValue;
using JsonObject = std::map<std::string, JsonValue, std::less<>>;
using JsonArray = std::vector<JsonValue>;

class JsonValue {
 public:
  using Storage = std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject>;
  JsonValue() : v_(nullptr) {}
  explicit JsonValue(Storage v) : v_(std::move(v)) {}

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  const bool* boolean() const { return std::get_if<bool>(&v_); }
  const double* number() const { return std::get_if<double>(&v_); }
  const std::string* string() const { return std::get_if<std::string>(&v_); }
  const JsonArray* array() const { return std::get_if<JsonArray>(&v_); }
  const JsonObject* object() const { return std::get_if<JsonObject>(&v_); }

 private:
  Storage v_;
};

Result<JsonValue> parse_json(std::string_view text);

// Typed access to a request body's fields, collecting the first error with
// the field's name so handlers can answer a problem body naming it.
class Fields {
 public:
  explicit Fields(const JsonObject& obj) : obj_(obj) {}

  // Refuses members not in `known` (a misspelt field must not be ignored).
  void only(std::initializer_list<std::string_view> known);
  std::optional<std::string> text(std::string_view name, bool required);
  std::optional<bool> flag(std::string_view name, bool required);
  // An integer in [min, max].
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      bool required);
  std::optional<std::vector<std::string>> texts(std::string_view name, bool required);
  const JsonValue* raw(std::string_view name) const;

  bool failed() const { return !field_.empty(); }
  const std::string& field() const { return field_; }
  const std::string& error() const { return error_; }
  void fail(std::string_view field, std::string message);

 private:
  const JsonObject& obj_;
  std::string field_;
  std::string error_;
};

}  // namespace trunkline::api
