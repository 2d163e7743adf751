#include "recorder/tools/recording_options.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace trunkline::recorder {

Result<RecordingOptions> parse_recording_options(int argc, char** argv, bool with_out) {
  RecordingOptions o;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](const char* name) -> Result<std::string> {
      if (i + 1 >= argc) return Error{std::string(name) + " needs a value"};
      return std::string(argv[++i]);
    };
    if (arg == "--keys") {
      auto v = value("--keys");
      if (!v) return v.error();
      o.key_dir = *v;
    } else if (arg == "--master-key") {
      auto v = value("--master-key");
      if (!v) return v.error();
      o.master_key = *v;
    } else if (arg == "--tenant") {
      auto v = value("--tenant");
      if (!v) return v.error();
      if (Status st = validate_tenant_id(*v); !st) return Error{"--tenant: " + st.error().message};
      o.tenant_id = *v;
    } else if (arg == "--recording-id") {
      auto v = value("--recording-id");
      if (!v) return v.error();
      o.recording_id = recording_id_from_hex(*v);
      if (!o.recording_id) return Error{"--recording-id must be 32 lowercase hex digits"};
    } else if (arg == "--out" && with_out) {
      auto v = value("--out");
      if (!v) return v.error();
      o.out = *v;
    } else if (arg == "--show-personal" && !with_out) {
      o.show_personal = true;
    } else if (arg.starts_with("-")) {
      return Error{"unknown option " + std::string(arg)};
    } else if (o.file.empty()) {
      o.file = std::string(arg);
    } else {
      return Error{"only one FILE may be given (extra: " + std::string(arg) + ")"};
    }
  }
  if (o.file.empty()) return Error{"missing FILE"};
  if (with_out && o.out.empty()) return Error{"missing --out OUT.wav"};
  if (o.key_dir.empty()) {
    const char* env = std::getenv(kKeyDirEnv);
    if (env == nullptr || *env == '\0')
      return Error{std::string("no key directory: give --keys DIR or set ") + kKeyDirEnv};
    o.key_dir = env;
  }
  return o;
}

Result<std::unique_ptr<FileKeyProvider>> open_keys(const RecordingOptions& options) {
  return FileKeyProvider::open(options.key_dir, options.master_key);
}

VerifyExpectations expectations_for(const RecordingOptions& options, FileKeyProvider& keys) {
  VerifyExpectations e = expectations_from_location(
      options.file, [&keys](std::string_view tenant) { return keys.has_tenant_key(tenant); });
  if (options.tenant_id) e.tenant_id = options.tenant_id;
  if (options.recording_id) e.recording_id = options.recording_id;
  return e;
}

}  // namespace trunkline::recorder
