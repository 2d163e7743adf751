#include "recorder/tools/wav_stream.h"

#include "recorder/format/wav_writer.h"

namespace trunkline::recorder {

// The second pass's sink: gathers decrypted PCM into chunks for the queue.
class WavStream::QueueSink final : public AudioSink {
 public:
  QueueSink(WavStream& s, std::uint64_t expected) : s_(s), expected_(expected) {}
  Status write(std::int64_t, std::span<const std::uint8_t> pcm) override {
    written_ += pcm.size();
    if (written_ > expected_) return Error{"more audio than the verified recording holds"};
    chunk_.append(reinterpret_cast<const char*>(pcm.data()), pcm.size());
    if (chunk_.size() >= kChunkBytes && !flush()) return Error{"the reader went away"};
    return Status::Ok();
  }
  bool flush() {
    if (chunk_.empty()) return true;
    std::string out;
    out.swap(chunk_);
    return s_.push(std::move(out));
  }
  std::uint64_t written() const { return written_; }

 private:
  WavStream& s_;
  std::uint64_t expected_;
  std::uint64_t written_ = 0;
  std::string chunk_;
};

Result<std::unique_ptr<WavStream>> WavStream::open(const std::filesystem::path& file,
                                                   std::unique_ptr<KeyProvider> keys,
                                                   const VerifyExpectations& expect,
                                                   bool* invalid) {
  *invalid = false;
  const VerifyReport check = verify_recording(file, *keys, expect);
  if (!check.valid()) {
    *invalid = true;
    return Error{file.filename().string() + " does not verify: " + check.first_failure()};
  }
  if (static_cast<std::uint64_t>(check.frames) * 4 > 0xFFFFFFFFu - 36)
    return Error{"recording is too long for a WAVE file"};
  std::unique_ptr<WavStream> s(new WavStream());
  s->keys_ = std::move(keys);
  s->frames_ = check.frames;
  s->recovered_ = check.trailer && check.trailer->recovered;
  std::uint8_t header[44];
  wav_header(static_cast<std::uint32_t>(check.frames * 4), header);
  s->queue_.emplace_back(reinterpret_cast<const char*>(header), sizeof header);
  s->worker_ = std::thread([p = s.get(), file, expect] { p->run(file, expect); });
  return s;
}

WavStream::~WavStream() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  room_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void WavStream::run(std::filesystem::path file, VerifyExpectations expect) {
  const std::uint64_t expected = static_cast<std::uint64_t>(frames_) * 4;
  QueueSink sink(*this, expected);
  // The file could change between the passes: checked again as it goes.
  const VerifyReport second = verify_recording(file, *keys_, expect, &sink);
  std::string failure;
  if (!second.valid()) {
    failure = "changed while exporting: " + second.first_failure();
  } else if (!sink.flush()) {
    failure = "the reader went away";
  } else if (sink.written() != expected) {
    failure = "changed while exporting: " + std::to_string(sink.written()) + " bytes of audio, " +
              std::to_string(expected) + " verified";
  }
  std::lock_guard lock(mu_);
  finished_ = true;
  failure_ = std::move(failure);
}

bool WavStream::push(std::string chunk) {
  std::unique_lock lock(mu_);
  room_.wait(lock, [&] { return stopping_ || queue_.size() < kMaxQueued; });
  if (stopping_) return false;
  queue_.push_back(std::move(chunk));
  return true;
}

WavStream::Next WavStream::read(std::string* out) {
  std::unique_lock lock(mu_);
  // A failure cuts the stream at once: what is queued may be followed by
  // audio that no longer verifies.
  if (finished_ && !failure_.empty()) return Next::kFailed;
  if (!queue_.empty()) {
    *out = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    room_.notify_one();
    return Next::kData;
  }
  return finished_ ? Next::kDone : Next::kWait;
}

std::string WavStream::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

}  // namespace trunkline::recorder
