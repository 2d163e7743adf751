#include "recorder/format/wav_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "recorder/format/byte_order.h"
#include "recorder/format/recording_format.h"

namespace trunkline::recorder {

void wav_header(std::uint32_t data_bytes, std::uint8_t out[44]) {
  constexpr std::uint16_t kBits = 16;
  constexpr std::uint16_t kBlockAlign = kChannels * kBits / 8;
  std::vector<std::uint8_t> h;
  put_string(h, "RIFF");
  put_u32(h, 36 + data_bytes);
  put_string(h, "WAVE");
  put_string(h, "fmt ");
  put_u32(h, 16);  // fmt chunk size
  put_u16(h, 1);   // PCM
  put_u16(h, kChannels);
  put_u32(h, kSampleRate);
  put_u32(h, kSampleRate * kBlockAlign);  // byte rate
  put_u16(h, kBlockAlign);
  put_u16(h, kBits);
  put_string(h, "data");
  put_u32(h, data_bytes);
  std::memcpy(out, h.data(), 44);
}

WavWriter::WavWriter(std::filesystem::path out) : out_(std::move(out)) {
  part_ = out_;
  part_ += ".part";
}

WavWriter::~WavWriter() { abandon(); }

void WavWriter::abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    ::unlink(part_.c_str());
  }
}

Status WavWriter::open() {
  file_ = std::fopen(part_.c_str(), "wbx");
  if (file_ == nullptr)
    return Error{"cannot create " + part_.string() + ": " + std::strerror(errno)};
  std::uint8_t header[44];
  wav_header(0, header);
  if (std::fwrite(header, 1, sizeof header, file_) != sizeof header)
    return Error{"cannot write " + part_.string()};
  return Status::Ok();
}

Status WavWriter::write(std::int64_t, std::span<const std::uint8_t> pcm) {
  if (file_ == nullptr) return Error{"output is not open"};
  // A WAVE data chunk is limited to 4 GiB (about 37 hours of 8 kHz stereo).
  if (data_bytes_ + pcm.size() > 0xFFFFFFFFu - 36)
    return Error{"recording is too long for a WAVE file"};
  if (std::fwrite(pcm.data(), 1, pcm.size(), file_) != pcm.size())
    return Error{"cannot write " + part_.string() + ": " + std::strerror(errno)};
  data_bytes_ += pcm.size();
  return Status::Ok();
}

Status WavWriter::finish() {
  if (file_ == nullptr) return Error{"output is not open"};
  std::uint8_t header[44];
  wav_header(static_cast<std::uint32_t>(data_bytes_), header);
  bool ok = std::fseek(file_, 0, SEEK_SET) == 0 &&
            std::fwrite(header, 1, sizeof header, file_) == sizeof header &&
            std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok || std::rename(part_.c_str(), out_.c_str()) != 0) {
    ::unlink(part_.c_str());
    return Error{"cannot finish " + out_.string() + ": " + std::strerror(errno)};
  }
  return Status::Ok();
}

}  // namespace trunkline::recorder
