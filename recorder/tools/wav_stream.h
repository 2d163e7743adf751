// A recording exported as a WAV byte stream instead of a file (the API's
// audio download), with the same two passes as export_to_wav(): the whole
// recording is verified before any decrypted audio leaves, then a worker
// thread decrypts it again, checking as it goes, into a bounded queue of
// chunks that the reader drains. Memory stays bounded (kMaxQueued chunks of
// about kChunkBytes) whatever the recording's length; nothing decrypted is
// written to disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/format/recording_verifier.h"

namespace trunkline::recorder {

class WavStream {
 public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  static constexpr std::size_t kMaxQueued = 8;

  // Verifies all of `file` (first pass) and starts the decrypting worker.
  // On failure *invalid says whether the recording did not verify.
  static Result<std::unique_ptr<WavStream>> open(const std::filesystem::path& file,
                                                 std::unique_ptr<KeyProvider> keys,
                                                 const VerifyExpectations& expect, bool* invalid);
  ~WavStream();  // stops the worker (an unread rest is dropped) and joins it
  WavStream(const WavStream&) = delete;
  WavStream& operator=(const WavStream&) = delete;

  enum class Next : std::uint8_t { kData, kWait, kDone, kFailed };
  // The next chunk into *out (kData), nothing yet (kWait), the end after
  // every byte (kDone), or a failure (kFailed, see failure()). Never blocks.
  Next read(std::string* out);
  std::string failure() const;
  std::int64_t frames() const { return frames_; }
  bool recovered() const { return recovered_; }
  // Header and samples: what a complete stream is.
  std::uint64_t total_bytes() const { return 44 + static_cast<std::uint64_t>(frames_) * 4; }

 private:
  class QueueSink;
  WavStream() = default;
  void run(std::filesystem::path file, VerifyExpectations expect);
  // Called by the worker: queues a chunk, waiting while the queue is full.
  // False when the reader went away.
  bool push(std::string chunk);

  std::unique_ptr<KeyProvider> keys_;
  std::int64_t frames_ = 0;
  bool recovered_ = false;
  mutable std::mutex mu_;
  std::condition_variable room_;
  std::deque<std::string> queue_;
  bool finished_ = false;  // the worker is done (see failure_)
  bool stopping_ = false;  // the reader went away
  std::string failure_;
  std::thread worker_;
};

}  // namespace trunkline::recorder
