#include "recorder/format/record_codec.h"

#include <zstd.h>

#include <string>

namespace trunkline::recorder {

RecordCodec::RecordCodec(int zstd_level)
    : cctx_(ZSTD_createCCtx()), dctx_(ZSTD_createDCtx()), level_(zstd_level) {}

RecordCodec::~RecordCodec() {
  ZSTD_freeCCtx(cctx_);
  ZSTD_freeDCtx(dctx_);
}

Result<std::size_t> RecordCodec::compress(std::span<const std::uint8_t> in) {
  if (cctx_ == nullptr) return Error{"zstd: no compression context"};
  const std::size_t bound = ZSTD_compressBound(in.size());
  if (compressed_.size() < bound) compressed_.resize(bound);
  const std::size_t n = ZSTD_compressCCtx(cctx_, compressed_.data(), compressed_.size(), in.data(),
                                          in.size(), level_);
  if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
  return n;
}

Status RecordCodec::decompress(std::span<const std::uint8_t> in, std::size_t expected_size,
                               std::vector<std::uint8_t>& out) {
  if (dctx_ == nullptr) return Error{"zstd: no decompression context"};
  out.resize(expected_size);
  const std::size_t n = ZSTD_decompressDCtx(dctx_, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
  if (n != expected_size) return Error{"record decompresses to an unexpected size"};
  return Status::Ok();
}

}  // namespace trunkline::recorder
