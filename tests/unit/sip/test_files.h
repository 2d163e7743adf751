// Where the SIP tests find their data files: under $TL_SOURCE_ROOT when
// meson test sets it, else the source root the build was configured from.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace trunkline::sip::testing {

inline std::string source_root() {
  if (const char* root = std::getenv("TL_SOURCE_ROOT"); root != nullptr && *root != '\0')
    return root;
  return TL_SOURCE_ROOT_DEFAULT;
}

inline std::string rfc4475_dir() { return source_root() + "/tests/conformance/rfc4475"; }

inline bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

inline std::string read_or_empty(const std::string& path) {
  std::string s;
  read_file(path, &s);
  return s;
}

}  // namespace trunkline::sip::testing
