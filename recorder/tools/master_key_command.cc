// `trunkline recording master-key FILE`: the appliance master key that wraps
// every tenant's key-encryption key ([recorder] master_key_file). Made once
// at installation; it never overwrites an existing key, because losing the
// old one would make every recording unreadable.
#include <cstdio>

#include "recorder/crypto/file_key_provider.h"
#include "recorder/tools/recording_commands.h"

namespace trunkline::recorder {

int recording_master_key_main(int argc, char** argv) {
  if (argc != 1 || argv[0][0] == '-') {
    std::fprintf(stderr,
                 "recording master-key: expected exactly one FILE\nusage: trunkline recording "
                 "master-key %s\n",
                 kRecordingMasterKeyUsage);
    return 2;
  }
  if (Status st = FileKeyProvider::create_master_key_file(argv[0]); !st) {
    std::fprintf(stderr, "recording master-key: %s\n", st.error().message.c_str());
    return 1;
  }
  std::printf(
      "master key written to %s (mode 0600); keep a copy offline: without it no "
      "recording can be read\n",
      argv[0]);
  return 0;
}

}  // namespace trunkline::recorder
