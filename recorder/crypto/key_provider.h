// Where recording keys come from. Each recording has its own random 256-bit
// data key; the provider wraps it under the tenant's key-encryption key (KEK),
// which only the provider ever sees unwrapped. Implementations: a key
// directory protected by the appliance master key (FileKeyProvider); later the
// store, an HSM or a KMS.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/secret_key.h"
#include "recorder/format/recording_id.h"

namespace trunkline::recorder {

struct WrappedDataKey {
  std::uint32_t kek_version = 0;  // which of the tenant's KEKs wrapped it
  std::vector<std::uint8_t> blob;
};

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;

  // Wraps `data_key` under the tenant's current KEK, bound to this recording:
  // the blob unwraps only for the same tenant and recording ID.
  virtual Result<WrappedDataKey> wrap_data_key(std::string_view tenant_id,
                                               const RecordingId& recording_id,
                                               const SecretKey& data_key) = 0;

  // Fails if the tenant's KEK is gone (crypto-shredded), the master key is
  // wrong, or the blob does not belong to this tenant and recording.
  virtual Result<SecretKey> unwrap_data_key(std::string_view tenant_id,
                                            const RecordingId& recording_id,
                                            const WrappedDataKey& wrapped) = 0;
};

}  // namespace trunkline::recorder
