// A minimal JSON writer: nested objects and arrays, escaped strings, and
// doubles printed as null when they are NaN or infinite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trunkline::acd {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(std::uint32_t number) { return value(static_cast<std::uint64_t>(number)); }
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Microseconds written as seconds.
  JsonWriter& seconds(std::int64_t us) { return value(static_cast<double>(us) / 1e6); }

  const std::string& str() const { return out_; }

 private:
  void before_value();
  void newline();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
  bool pretty_;
};

}  // namespace trunkline::acd
