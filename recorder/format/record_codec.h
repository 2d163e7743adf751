// Per-thread compression and cipher contexts plus scratch buffers for sealing
// and opening records. A worker keeps one for all its calls: sealing a record
// allocates nothing once the buffers have grown.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/aes_gcm.h"

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;

namespace trunkline::recorder {

class RecordCodec {
 public:
  // zstd level: 1 is fast; negative levels are faster still and compress less.
  explicit RecordCodec(int zstd_level = 1);
  ~RecordCodec();
  RecordCodec(const RecordCodec&) = delete;
  RecordCodec& operator=(const RecordCodec&) = delete;

  // Compresses `in` into compressed() and returns its size.
  Result<std::size_t> compress(std::span<const std::uint8_t> in);
  // Decompresses into `out`, which must come out at exactly `expected_size`.
  Status decompress(std::span<const std::uint8_t> in, std::size_t expected_size,
                    std::vector<std::uint8_t>& out);

  std::vector<std::uint8_t>& compressed() { return compressed_; }
  AesGcm& gcm() { return gcm_; }

 private:
  ZSTD_CCtx* cctx_;
  ZSTD_DCtx* dctx_;
  int level_;
  AesGcm gcm_;
  std::vector<std::uint8_t> compressed_;
};

}  // namespace trunkline::recorder
